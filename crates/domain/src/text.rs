//! Text hygiene for every string the engine stores: Unicode NFC, no control
//! characters, no text-direction overrides, and names that have something to read.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// Why a text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// A control character other than tab, line feed or carriage return.
    #[error("contains the control character U+{0:04X}; remove it")]
    ControlCharacter(u32),
    /// A bidirectional formatting character (a right-to-left override and
    /// its kin), which can make a text read other than it is.
    #[error("contains the text-direction control U+{0:04X}; remove it")]
    DirectionControl(u32),
}

/// The bidirectional formatting characters a text may not hold: the
/// embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069)
/// and the marks (U+200E, U+200F, U+061C), as inclusive ranges.
pub const DIRECTION_CONTROLS: [(char, char); 4] =
    [('\u{61C}', '\u{61C}'), ('\u{200E}', '\u{200F}'), ('\u{202A}', '\u{202E}'), ('\u{2066}', '\u{2069}')];

/// True for a character of [`DIRECTION_CONTROLS`].
pub fn is_direction_control(c: char) -> bool {
    DIRECTION_CONTROLS.iter().any(|&(first, last)| (first..=last).contains(&c))
}

/// The control characters a text may not hold, as inclusive ranges: every C0
/// and C1 control and DEL, except tab, line feed and carriage return
/// (multi-line text keeps them).
pub const FORBIDDEN_CONTROLS: [(char, char); 4] =
    [('\u{0}', '\u{8}'), ('\u{b}', '\u{c}'), ('\u{e}', '\u{1f}'), ('\u{7f}', '\u{9f}')];

/// True for a character of [`FORBIDDEN_CONTROLS`].
pub fn is_forbidden_control(c: char) -> bool {
    FORBIDDEN_CONTROLS.iter().any(|&(first, last)| (first..=last).contains(&c))
}

/// The text in Unicode normal form C, or why it is refused.
pub fn normalise(text: &str) -> Result<Cow<'_, str>, TextError> {
    if let Some(c) = text.chars().find(|c| is_forbidden_control(*c) || is_direction_control(*c)) {
        return Err(if is_direction_control(c) {
            TextError::DirectionControl(u32::from(c))
        } else {
            TextError::ControlCharacter(u32::from(c))
        });
    }
    Ok(match is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfc().collect()),
    })
}

/// True for characters that show nothing: white space, controls, and the
/// zero-width, joiner, direction and filler characters.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

/// Validator for names and titles: at least one visible character.
pub fn visible(text: &str) -> Result<(), validator::ValidationError> {
    if text.chars().any(|c| !is_invisible(c)) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("blank").with_message("must have at least one visible character".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_refused_but_line_breaks_kept() {
        assert_eq!(normalise("a\u{0}b"), Err(TextError::ControlCharacter(0)));
        assert_eq!(normalise("a\u{7}"), Err(TextError::ControlCharacter(7)));
        assert_eq!(normalise("\u{9B}"), Err(TextError::ControlCharacter(0x9B)));
        assert_eq!(normalise("рядок\nдругий\tз табом\r\n").unwrap(), "рядок\nдругий\tз табом\r\n");
    }

    #[test]
    fn direction_overrides_are_refused() {
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200F}'] {
            assert_eq!(normalise(&format!("abc{c}def")), Err(TextError::DirectionControl(u32::from(c))));
        }
        assert!(normalise("Школа №3 — «Сонечко»").is_ok());
    }

    #[test]
    fn the_forbidden_controls_are_the_controls_but_tab_and_line_breaks() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected = c.is_control() && !matches!(c, '\t' | '\n' | '\r');
            assert_eq!(is_forbidden_control(c), expected, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn text_is_stored_in_nfc() {
        let decomposed = "Ї\u{301}и\u{306}";
        let normal = normalise(decomposed).unwrap();
        assert_eq!(normal, "Ї\u{301}й");
        assert!(matches!(normalise("Київ").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn blank_and_zero_width_titles_are_not_visible() {
        for blank in ["", "   ", "\u{200B}\u{200D}", "\u{FEFF}\u{2060} \u{00A0}", "\u{202E}\u{3164}"] {
            assert!(visible(blank).is_err(), "{blank:?}");
        }
        assert!(visible("\u{200B}Школа").is_ok());
    }
}
