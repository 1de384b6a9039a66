//! Notifications: what happened that someone must act on, who is told of it,
//! and the words they read. A notice is written with its event, in the same
//! transaction (an outbox); the inbox and e-mail read it from there.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::acts_for;
use crate::comeback::Return;
use crate::lifecycle::Status;
use crate::permission::Permission;
use crate::role::Role;

/// What a notice tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// An expert was assigned a project to score, with the round's deadline.
    ExpertAssigned,
    /// A submitted passport was returned to its initiator, with the reason.
    PassportReturned,
    /// A submitted passport was taken into screening.
    PassportAccepted,
    /// An implementation report was returned, with the reason.
    ReportReturned,
    /// An implementation report was accepted.
    ReportAccepted,
    /// A completion report was returned, with the reason.
    CompletionReturned,
    /// A completion report was accepted and the project closed.
    CompletionAccepted,
    /// The council approved a portfolio or plan version.
    CouncilApproved,
    /// The council returned a portfolio or plan version, with the reason.
    CouncilReturned,
    /// An expert's scoring deadline is three days away or nearer.
    DeadlineSoon,
    /// An expert's scoring deadline has passed with the scores not submitted.
    DeadlinePassed,
    /// A quarter's implementation report is past its due date.
    ReportMissing,
    /// A deviation rule flagged a project in implementation.
    DeviationRaised,
    /// A DREAM synchronisation run failed (to administrators).
    SyncFailed,
    /// A portfolio or plan version was put on the agenda of a council meeting.
    CouncilMeeting,
}

impl NoticeKind {
    /// Every kind.
    pub const ALL: [NoticeKind; 15] = [
        NoticeKind::ExpertAssigned,
        NoticeKind::PassportReturned,
        NoticeKind::PassportAccepted,
        NoticeKind::ReportReturned,
        NoticeKind::ReportAccepted,
        NoticeKind::CompletionReturned,
        NoticeKind::CompletionAccepted,
        NoticeKind::CouncilApproved,
        NoticeKind::CouncilReturned,
        NoticeKind::DeadlineSoon,
        NoticeKind::DeadlinePassed,
        NoticeKind::ReportMissing,
        NoticeKind::DeviationRaised,
        NoticeKind::SyncFailed,
        NoticeKind::CouncilMeeting,
    ];

    /// The wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ExpertAssigned => "expert_assigned",
            NoticeKind::PassportReturned => "passport_returned",
            NoticeKind::PassportAccepted => "passport_accepted",
            NoticeKind::ReportReturned => "report_returned",
            NoticeKind::ReportAccepted => "report_accepted",
            NoticeKind::CompletionReturned => "completion_returned",
            NoticeKind::CompletionAccepted => "completion_accepted",
            NoticeKind::CouncilApproved => "council_approved",
            NoticeKind::CouncilReturned => "council_returned",
            NoticeKind::DeadlineSoon => "deadline_soon",
            NoticeKind::DeadlinePassed => "deadline_passed",
            NoticeKind::ReportMissing => "report_missing",
            NoticeKind::DeviationRaised => "deviation_raised",
            NoticeKind::SyncFailed => "sync_failed",
            NoticeKind::CouncilMeeting => "council_meeting",
        }
    }

    /// The kind with this wire code.
    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// Who a notice is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// One person, by the `sub` of their token (an expert assigned).
    Person(String),
    /// Holders of a permission who act for an organisation: its own people,
    /// and those who act for every organisation.
    Organisation(Permission, Uuid),
    /// Every holder of a permission (the PIM unit, the council).
    Holders(Permission),
}

impl Audience {
    /// True when the person `sub` with `roles` of organisation `own` is told.
    /// Each audience is one that may see the notice's subject.
    pub fn includes(&self, sub: &str, roles: &[Role], own: Option<Uuid>) -> bool {
        match self {
            Audience::Person(person) => person == sub,
            Audience::Organisation(permission, organisation) => {
                permission.granted(roles) && acts_for(roles, own, *organisation)
            }
            Audience::Holders(permission) => permission.granted(roles),
        }
    }

    /// Whom a search of the registered people need read to find this
    /// audience: [`Audience::includes`] then decides on each one found.
    pub fn reach(&self) -> Reach<'_> {
        let holding = |wanted: &[Permission]| -> Vec<Role> {
            Role::ALL.into_iter().filter(|r| wanted.iter().all(|p| p.granted(&[*r]))).collect()
        };
        match self {
            Audience::Person(sub) => Reach::Person(sub),
            Audience::Organisation(permission, organisation) => {
                Reach::Organisation(*organisation, holding(&[*permission, Permission::AllOrganisations]))
            }
            Audience::Holders(permission) => Reach::Roles(holding(&[*permission])),
        }
    }
}

/// The registered people an audience may hold (see [`Audience::reach`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach<'a> {
    /// One person, by `sub`.
    Person(&'a str),
    /// The people of an organisation, and those with any of the roles wherever they are.
    Organisation(Uuid, Vec<Role>),
    /// Those with any of the roles.
    Roles(Vec<Role>),
}

/// Something that happened, for the people it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// The same for every notice of one event: a person is told of an event once.
    pub key: String,
    /// Who is told.
    pub audience: Audience,
    /// One line, Ukrainian.
    pub title: String,
    /// What to do, Ukrainian.
    pub body: String,
    /// The page it concerns, a path in the workspace (`/passports/…`).
    pub link: String,
}

/// How a person wants to be told by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// An e-mail for each notice.
    #[default]
    Each,
    /// One e-mail a day with the day's notices.
    Digest,
    /// No e-mail; the inbox only.
    None,
}

impl Delivery {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Each => "each",
            Delivery::Digest => "digest",
            Delivery::None => "none",
        }
    }

    /// From the stored code; an unknown one means each.
    pub fn parse(code: &str) -> Delivery {
        [Delivery::Digest, Delivery::None].into_iter().find(|d| d.as_str() == code).unwrap_or_default()
    }
}

/// A notice as a person's inbox holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// Id.
    pub id: Uuid,
    /// What happened.
    pub kind: NoticeKind,
    /// One line.
    pub title: String,
    /// What to do.
    pub body: String,
    /// The page it concerns.
    pub link: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// When the person marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// A council paper: a portfolio or a plan version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// A single project portfolio version.
    Portfolio,
    /// A medium-term plan version.
    Plan,
}

impl Paper {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Paper::Portfolio => ("Єдиний проєктний портфель", "portfolios"),
            Paper::Plan => ("Середньостроковий план", "plans"),
        }
    }
}

/// Dates as people read them: 20.04.2027.
fn day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// What a return asks, in a notice's body: the reason, and the day to come
/// back by when one is set; `what` is the thing to fix («паспорт», «звіт»).
fn fix_again(what: &str, r: Return<'_>) -> String {
    match r.back_by {
        Some(by) => format!("Причина: {}. Виправте {what} і подайте його знову до {}.", r.reason, day(by)),
        None => format!("Причина: {}. Виправте {what} і подайте його знову.", r.reason),
    }
}

/// What went back to its initiator and is to come back by a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned<'a> {
    /// A project passport.
    Passport,
    /// An implementation report for `period` (as people read it).
    Report {
        /// «I квартал 2027 року».
        period: &'a str,
    },
    /// A programme's quarterly report on `measure` for `quarter` of `year`.
    Quarter {
        /// The programme.
        programme: Uuid,
        /// The measure's number.
        measure: &'a str,
        /// The quarter as people read it («I квартал»).
        quarter: &'a str,
        /// The year.
        year: i32,
    },
    /// A completion report.
    Completion,
}

impl Returned<'_> {
    /// The key's prefix, the noun the body names, and who may send it again.
    fn words(&self) -> (&'static str, &'static str, Permission) {
        match self {
            Returned::Passport => ("passport", "паспорт", Permission::CreatePassports),
            Returned::Report { .. } => ("report", "звіт", Permission::WriteReports),
            Returned::Quarter { .. } => ("quarter", "звіт", Permission::WriteReports),
            Returned::Completion => ("completion", "звіт", Permission::WriteReports),
        }
    }

    /// The thing, in the genitive, with `title` (the project's or the programme's).
    fn subject(&self, title: &str) -> String {
        match self {
            Returned::Passport => format!("паспорта «{title}»"),
            Returned::Report { period } => format!("звіту за {period} «{title}»"),
            Returned::Quarter { measure, quarter, year, .. } => {
                format!("звіту за {quarter} {year} року за заходом {measure} «{title}»")
            }
            Returned::Completion => format!("звіту про завершення «{title}»"),
        }
    }

    /// Its page, for thing `id`.
    fn link(&self, id: Uuid) -> String {
        match self {
            Returned::Passport => format!("/passports/{id}"),
            Returned::Report { .. } => format!("/reports/{id}"),
            Returned::Quarter { programme, year, .. } => format!("/programmes/{programme}/quarters?year={year}"),
            Returned::Completion => format!("/completions/{id}"),
        }
    }
}

/// A passport or report returned to `organisation`, to come back by `by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comeback<'a> {
    /// What it is.
    pub what: Returned<'a>,
    /// The passport's or report's id.
    pub id: Uuid,
    /// The initiating organisation.
    pub organisation: Uuid,
    /// The project's title (the programme's, for a quarterly report).
    pub title: &'a str,
    /// The day to come back by.
    pub by: NaiveDate,
}

/// An expert's assignment to score a project, as notices tell of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment<'a> {
    /// The round.
    pub round: Uuid,
    /// The round's name.
    pub round_name: &'a str,
    /// The project.
    pub passport: Uuid,
    /// The project's title.
    pub title: &'a str,
    /// The expert's `sub`.
    pub expert: &'a str,
    /// The round's scoring deadline.
    pub deadline: NaiveDate,
}

/// How many days before a deadline the reminder goes out.
pub const REMIND_DAYS_BEFORE: i64 = 3;

/// Where `today` stands against `deadline`, for a reminder: soon (three
/// days before or nearer), passed, or nothing to say yet.
fn stage(deadline: NaiveDate, today: NaiveDate) -> Option<(NoticeKind, &'static str)> {
    match (deadline - today).num_days() {
        ..0 => Some((NoticeKind::DeadlinePassed, "passed")),
        0..=REMIND_DAYS_BEFORE => Some((NoticeKind::DeadlineSoon, "soon")),
        _ => None,
    }
}

/// The quarter of a day, as keys name it: `2027Q2`.
fn quarter_of(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}Q{}", d.year(), d.month0() / 3 + 1)
}

impl Notice {
    /// DREAM synchronisation `sync` failed on `today` with `error`: the
    /// administrators are told, once a day for each synchronisation.
    pub fn sync_failed(sync: &str, error: &str, today: NaiveDate) -> Notice {
        let error: String = error.chars().take(500).collect();
        Notice {
            kind: NoticeKind::SyncFailed,
            key: format!("sync:{sync}:failed:{today}"),
            audience: Audience::Holders(Permission::ManageUsers),
            title: "Не вдалася синхронізація з DREAM".into(),
            body: format!("Запуск «{sync}» завершився помилкою: {error}. Перевірте з'єднання та журнал сервера."),
            link: "/".into(),
        }
    }

    /// On `today`, the reminder of assignment `a` whose scores are not
    /// submitted: three days before its deadline or nearer, and once it has passed.
    pub fn scoring_due(a: &Assignment<'_>, today: NaiveDate) -> Option<Notice> {
        let Assignment { round, round_name, passport, title, expert, deadline } = *a;
        let (kind, stage) = stage(deadline, today)?;
        let text = match kind {
            NoticeKind::DeadlinePassed => format!("Строк подання оцінок минув {}.", day(deadline)),
            _ => format!("Оцінки треба подати до {} включно.", day(deadline)),
        };
        let verb = if kind == NoticeKind::DeadlinePassed {
            "прострочено"
        } else {
            "наближається строк"
        };
        Some(Notice {
            kind,
            key: format!("round:{round}:{stage}:{passport}:{expert}"),
            audience: Audience::Person(expert.to_owned()),
            title: format!("Оцінювання «{title}»: {verb}"),
            body: format!("Раунд «{round_name}». {text}"),
            link: format!("/rounds/{round}/projects/{passport}/score"),
        })
    }

    /// On `today`, the reminder to the PIM unit of the ex-post evaluation of
    /// project «`title`», not signed off and due by `due`: three days before or nearer, and once passed.
    pub fn evaluation_due(passport: Uuid, title: &str, due: NaiveDate, today: NaiveDate) -> Option<Notice> {
        let (kind, stage) = stage(due, today)?;
        let (verb, text) = match kind {
            NoticeKind::DeadlinePassed => ("прострочено", format!("Строк підписання висновку минув {}.", day(due))),
            _ => ("наближається строк", format!("Висновок треба підписати до {} включно.", day(due))),
        };
        Some(Notice {
            kind,
            key: format!("evaluation:{passport}:{stage}"),
            audience: Audience::Holders(Permission::Evaluate),
            title: format!("Оцінювання результатів «{title}»: {verb}"),
            body: text,
            link: format!("/passports/{passport}"),
        })
    }

    /// On `today`, the reminder to the initiators of project «`title`» of
    /// `organisation` whose report for `period` is due by `due`, not filed yet.
    pub fn report_due(passport: Uuid, organisation: Uuid, title: &str, (period, due): (&str, NaiveDate)) -> Notice {
        Notice {
            kind: NoticeKind::DeadlineSoon,
            key: format!("passport:{passport}:report_due:{due}"),
            audience: Audience::Organisation(Permission::WriteReports, organisation),
            title: format!("Наближається строк звіту про виконання: «{title}»"),
            body: format!("Звіт за {period} треба подати до {} включно.", day(due)),
            link: format!("/passports/{passport}"),
        }
    }

    /// On `today`, the reminder to the initiators of what went back to them
    /// (`c`) to submit it again by its day: three days before or nearer, and once it has passed.
    pub fn resubmit_due(c: &Comeback<'_>, today: NaiveDate) -> Option<Notice> {
        let (kind, stage) = stage(c.by, today)?;
        let (prefix, noun, permission) = c.what.words();
        let (verb, text) = match kind {
            NoticeKind::DeadlinePassed => ("прострочено", format!("Строк повторного подання минув {}.", day(c.by))),
            _ => ("наближається строк", format!("Виправлений {noun} треба подати до {} включно.", day(c.by))),
        };
        Some(Notice {
            kind,
            key: format!("{prefix}:{}:resubmit:{}:{stage}", c.id, c.by),
            audience: Audience::Organisation(permission, c.organisation),
            title: format!("Повторне подання {}: {verb}", c.what.subject(c.title)),
            body: text,
            link: c.what.link(c.id),
        })
    }

    /// On `today`, the reminder to the council of `paper` version `id`
    /// (number `number`) on the agenda of the meeting on `on`: three days before or nearer.
    pub fn meeting_soon(paper: Paper, id: Uuid, number: i32, on: NaiveDate, today: NaiveDate) -> Option<Notice> {
        let (kind, stage) = stage(on, today)?;
        (kind == NoticeKind::DeadlineSoon).then(|| {
            let (name, path) = paper.words();
            Notice {
                kind,
                key: format!("{path}:{id}:meeting:{on}:{stage}"),
                audience: Audience::Holders(Permission::Decide),
                title: format!("Засідання інвестиційної ради {} наближається: {name}, версія {number}", day(on)),
                body: "Версія на порядку денному засідання; ознайомтеся з нею заздалегідь.".into(),
                link: format!("/{path}/{id}"),
            }
        })
    }

    /// The notices of a deviation flag (`rule`, with its `reason`) raised on
    /// project «`title`» of `organisation` on `today`: a missing report to
    /// the initiators; any other flag to them and to the PIM unit. Each once a quarter.
    pub fn flag_raised(
        passport: Uuid,
        organisation: Uuid,
        title: &str,
        (rule, reason): (&str, &str),
        today: NaiveDate,
    ) -> Vec<Notice> {
        let key = |who: &str| format!("passport:{passport}:flag:{rule}:{}:{who}", quarter_of(today));
        let link = format!("/passports/{passport}");
        if rule == "report_missing" {
            return vec![Notice {
                kind: NoticeKind::ReportMissing,
                key: key("initiator"),
                audience: Audience::Organisation(Permission::WriteReports, organisation),
                title: format!("Не подано звіт про виконання: «{title}»"),
                body: format!("{reason}. Подайте звіт на сторінці проєкту."),
                link,
            }];
        }
        let notice = |who: &str, audience: Audience| Notice {
            kind: NoticeKind::DeviationRaised,
            key: key(who),
            audience,
            title: format!("Відхилення у виконанні проєкту «{title}»"),
            body: format!("{reason}."),
            link: link.clone(),
        };
        vec![
            notice("initiator", Audience::Organisation(Permission::WriteReports, organisation)),
            notice("pim", Audience::Holders(Permission::CheckReports)),
        ]
    }

    /// The expert of assignment `a` was assigned its project, to score by its deadline.
    pub fn expert_assigned(a: &Assignment<'_>) -> Notice {
        let Assignment { round, round_name, passport, title, expert, deadline } = *a;
        Notice {
            kind: NoticeKind::ExpertAssigned,
            key: format!("round:{round}:assigned:{passport}:{expert}"),
            audience: Audience::Person(expert.to_owned()),
            title: format!("Вам призначено проєкт для оцінювання: «{title}»"),
            body: format!(
                "Раунд «{round_name}». Задекларуйте відсутність конфлікту інтересів і подайте оцінки до {}.",
                day(deadline)
            ),
            link: format!("/rounds/{round}/projects/{passport}/score"),
        }
    }

    /// What a passport's move from `from` to `to` (with the mover's
    /// `reason` and, for a return, the day to come back by) tells its
    /// initiators: returned to a draft, or taken into screening; nothing for other moves.
    pub fn of_move(
        id: Uuid,
        version: i32,
        organisation: Uuid,
        title: &str,
        (from, to): (Status, Status),
        (reason, back_by): (Option<&str>, Option<NaiveDate>),
    ) -> Option<Notice> {
        match (from, to) {
            (Status::Submitted | Status::Screening, Status::Draft) => {
                let reason = reason.filter(|r| !r.trim().is_empty()).unwrap_or("не вказано");
                Some(Notice::passport_returned(id, version, organisation, title, Return { reason, back_by }))
            }
            (Status::Submitted, Status::Screening) => Some(Notice::passport_accepted(id, version, organisation, title)),
            _ => None,
        }
    }

    /// Passport `id` («`title`») of `organisation`, at `version` after the
    /// move, was returned (for a reason, perhaps to come back by a day).
    pub fn passport_returned(id: Uuid, version: i32, organisation: Uuid, title: &str, returned: Return<'_>) -> Notice {
        Notice {
            kind: NoticeKind::PassportReturned,
            key: format!("passport:{id}:returned:{version}"),
            audience: Audience::Organisation(Permission::CreatePassports, organisation),
            title: format!("Паспорт повернуто на доопрацювання: «{title}»"),
            body: fix_again("паспорт", returned),
            link: format!("/passports/{id}"),
        }
    }

    /// Passport `id` («`title`») of `organisation` was taken into screening.
    pub fn passport_accepted(id: Uuid, version: i32, organisation: Uuid, title: &str) -> Notice {
        Notice {
            kind: NoticeKind::PassportAccepted,
            key: format!("passport:{id}:accepted:{version}"),
            audience: Audience::Organisation(Permission::CreatePassports, organisation),
            title: format!("Паспорт прийнято до розгляду: «{title}»"),
            body: "Підрозділ з питань публічних інвестицій перевіряє паспорт перед експертним оцінюванням.".into(),
            link: format!("/passports/{id}"),
        }
    }

    /// The implementation report `report` (of `period`, on project «`title`»
    /// of `organisation`) was accepted, or returned; `version` is the
    /// report's after the step.
    pub fn report_decided(
        report: Uuid,
        version: i32,
        organisation: Uuid,
        period: &str,
        title: &str,
        returned: Option<Return<'_>>,
    ) -> Notice {
        let (kind, body) = match returned {
            Some(returned) => (NoticeKind::ReportReturned, fix_again("звіт", returned)),
            None => (NoticeKind::ReportAccepted, "Звіт прийнято, його дані враховано в моніторингу.".into()),
        };
        let verb =
            if returned.is_some() { "повернуто на доопрацювання" } else { "прийнято" };
        Notice {
            kind,
            key: format!("report:{report}:{}:{version}", kind.as_str()),
            audience: Audience::Organisation(Permission::WriteReports, organisation),
            title: format!("Звіт за {period} {verb}: «{title}»"),
            body,
            link: format!("/reports/{report}"),
        }
    }

    /// The quarterly report `report` of `organisation` on measure `measure`
    /// of programme «`programme`» (`programme_id`) for `period` (`year`)
    /// was accepted, or returned; `version` is the report's after the step.
    pub fn quarter_decided(
        report: Uuid,
        version: i32,
        organisation: Uuid,
        (programme_id, programme): (Uuid, &str),
        measure: &str,
        (period, year): (&str, i32),
        returned: Option<Return<'_>>,
    ) -> Notice {
        let (kind, verb, body) = match returned {
            Some(returned) => (NoticeKind::ReportReturned, "повернуто на доопрацювання", fix_again("звіт", returned)),
            None => (
                NoticeKind::ReportAccepted,
                "прийнято",
                "Звіт прийнято, його враховано у звіті про виконання програми.".into(),
            ),
        };
        Notice {
            kind,
            key: format!("quarter:{report}:{}:{version}", kind.as_str()),
            audience: Audience::Organisation(Permission::WriteReports, organisation),
            title: format!("Звіт за {period} {year} року за заходом {measure} {verb}: «{programme}»"),
            body,
            link: format!("/programmes/{programme_id}/quarters?year={year}"),
        }
    }

    /// The completion report `report` on project «`title`» of
    /// `organisation` was accepted, or returned; `version` is the report's
    /// after the step.
    pub fn completion_decided(
        report: Uuid,
        version: i32,
        organisation: Uuid,
        title: &str,
        returned: Option<Return<'_>>,
    ) -> Notice {
        let (kind, title, body) = match returned {
            Some(returned) => (
                NoticeKind::CompletionReturned,
                format!("Звіт про завершення повернуто на доопрацювання: «{title}»"),
                fix_again("звіт", returned),
            ),
            None => (
                NoticeKind::CompletionAccepted,
                format!("Звіт про завершення прийнято: «{title}»"),
                "Проєкт закрито. Після строку, встановленого порядком, буде проведено оцінювання його результатів."
                    .into(),
            ),
        };
        Notice {
            kind,
            key: format!("completion:{report}:{}:{version}", kind.as_str()),
            audience: Audience::Organisation(Permission::WriteReports, organisation),
            title,
            body,
            link: format!("/completions/{report}"),
        }
    }

    /// `paper` version `id` (number `number`) is on the agenda of the
    /// council meeting on `on`: its members are told.
    pub fn council_meeting(paper: Paper, id: Uuid, number: i32, on: NaiveDate) -> Notice {
        let (name, path) = paper.words();
        Notice {
            kind: NoticeKind::CouncilMeeting,
            key: format!("{path}:{id}:meeting:{on}"),
            audience: Audience::Holders(Permission::Decide),
            title: format!("Засідання інвестиційної ради {}: {name}, версія {number}", day(on)),
            body: "Версію подано на розгляд ради; ознайомтеся з нею до засідання.".into(),
            link: format!("/{path}/{id}"),
        }
    }

    /// The council decided on `paper` version `id` (number `number`):
    /// approved by decision `decision`, or returned for the `reason`.
    pub fn council_decided(paper: Paper, id: Uuid, number: i32, decision: Result<&str, &str>) -> Notice {
        let (name, path) = paper.words();
        let (kind, title, body) = match decision {
            Ok(decision) => (
                NoticeKind::CouncilApproved,
                format!("{name}, версія {number}: затверджено"),
                format!("Інвестиційна рада затвердила версію рішенням {decision}. Затверджена версія незмінна."),
            ),
            Err(reason) => (
                NoticeKind::CouncilReturned,
                format!("{name}, версія {number}: повернуто на доопрацювання"),
                format!("Причина: {reason}. Підготуйте нову версію."),
            ),
        };
        Notice {
            kind,
            key: format!("{path}:{id}:{}", kind.as_str()),
            audience: Audience::Holders(Permission::PrepareDecisions),
            title,
            body,
            link: format!("/{path}/{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_audience_is_the_people_the_subject_concerns() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let returned = Notice::passport_returned(Uuid::nil(), 3, a, "Ліцей", Return::for_reason("немає кошторису"));
        assert!(returned.audience.includes("ini-a", &[Role::Initiator], Some(a)));
        assert!(!returned.audience.includes("ini-b", &[Role::Initiator], Some(b)), "another organisation's initiator");
        assert!(!returned.audience.includes("pim", &[Role::PimUnit], Some(b)), "the PIM unit returned it");
        assert!(!returned.audience.includes("exp", &[Role::Expert], Some(a)), "an expert of the same organisation");
        assert!(returned.title.contains("«Ліцей»") && returned.body.contains("немає кошторису"));
        let assigned = Notice::expert_assigned(&Assignment {
            round: Uuid::nil(),
            round_name: "Раунд",
            passport: Uuid::nil(),
            title: "Ліцей",
            expert: "exp-1",
            deadline: NaiveDate::from_ymd_opt(2027, 4, 20).unwrap(),
        });
        assert!(assigned.audience.includes("exp-1", &[Role::Expert], None));
        assert!(!assigned.audience.includes("exp-2", &[Role::Expert], None));
        assert!(assigned.body.contains("20.04.2027"));
        let approved = Notice::council_decided(Paper::Plan, Uuid::nil(), 2, Ok("№ 7/2026 від 20.11.2026"));
        assert!(approved.audience.includes("pim", &[Role::PimUnit], Some(b)));
        assert!(!approved.audience.includes("ini-a", &[Role::Initiator], Some(a)));
        assert_eq!(approved.kind, NoticeKind::CouncilApproved);
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_return_and_a_taking_into_screening_are_told_other_moves_not() {
        let of = |from, to, reason| Notice::of_move(Uuid::nil(), 4, Uuid::nil(), "Ліцей", (from, to), (reason, None));
        let returned = of(Status::Screening, Status::Draft, Some("немає кошторису")).unwrap();
        assert_eq!(returned.kind, NoticeKind::PassportReturned);
        assert!(returned.body.contains("немає кошторису"));
        assert!(of(Status::Submitted, Status::Draft, None).unwrap().body.contains("не вказано"));
        let by = NaiveDate::from_ymd_opt(2026, 12, 20);
        let dated =
            Notice::of_move(Uuid::nil(), 4, Uuid::nil(), "Ліцей", (Status::Screening, Status::Draft), (None, by));
        assert!(dated.unwrap().body.ends_with("подайте його знову до 20.12.2026."));
        assert_eq!(of(Status::Submitted, Status::Screening, None).unwrap().kind, NoticeKind::PassportAccepted);
        assert_eq!(of(Status::Draft, Status::Submitted, None), None);
        assert_eq!(of(Status::Screening, Status::UnderEvaluation, None), None);
    }

    #[test]
    fn a_deadline_is_recalled_three_days_before_and_once_it_has_passed() {
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let a = Assignment {
            round: Uuid::nil(),
            round_name: "Р",
            passport: Uuid::nil(),
            title: "Ліцей",
            expert: "exp",
            deadline: on(2026, 12, 15),
        };
        let due = |today| Notice::scoring_due(&a, today);
        assert_eq!(due(on(2026, 12, 11)), None, "four days before");
        let soon = due(on(2026, 12, 12)).unwrap();
        assert_eq!(soon.kind, NoticeKind::DeadlineSoon);
        assert!(soon.body.contains("до 15.12.2026 включно"));
        assert_eq!(due(on(2026, 12, 15)).unwrap().key, soon.key, "one reminder before, however many days");
        let passed = due(on(2026, 12, 16)).unwrap();
        assert_eq!(
            (passed.kind, passed.audience.clone()),
            (NoticeKind::DeadlinePassed, Audience::Person("exp".into()))
        );
        assert_ne!(passed.key, soon.key);
        let passport = Comeback {
            what: Returned::Passport,
            id: Uuid::nil(),
            organisation: Uuid::nil(),
            title: "Ліцей",
            by: on(2026, 12, 15),
        };
        let back = |today| Notice::resubmit_due(&passport, today);
        assert_eq!((back(on(2026, 12, 11)), back(on(2026, 12, 12)).unwrap().kind), (None, NoticeKind::DeadlineSoon));
        let meeting = |today| Notice::meeting_soon(Paper::Plan, Uuid::nil(), 2, on(2026, 12, 15), today);
        assert!(meeting(on(2026, 12, 13)).is_some());
        assert_eq!(meeting(on(2026, 12, 16)), None, "nothing after the meeting");
        let evaluation = |today| Notice::evaluation_due(Uuid::nil(), "Ліцей", on(2026, 12, 15), today);
        assert_eq!(evaluation(on(2026, 12, 11)), None);
        assert_eq!(evaluation(on(2026, 12, 13)).unwrap().audience, Audience::Holders(Permission::Evaluate));
        assert_eq!(evaluation(on(2027, 1, 1)).unwrap().kind, NoticeKind::DeadlinePassed);
    }

    #[test]
    fn a_missing_report_goes_to_the_initiators_a_deviation_also_to_the_pim_unit() {
        let (org, day) = (Uuid::from_u128(7), NaiveDate::from_ymd_opt(2027, 4, 21).unwrap());
        let missing = Notice::flag_raised(Uuid::nil(), org, "Ліцей", ("report_missing", "Звіт за I квартал"), day);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].audience, Audience::Organisation(Permission::WriteReports, org));
        let late = Notice::flag_raised(Uuid::nil(), org, "Ліцей", ("milestone_late", "Етап прострочено"), day);
        let audiences: Vec<Audience> = late.iter().map(|n| n.audience.clone()).collect();
        assert_eq!(
            audiences,
            [Audience::Organisation(Permission::WriteReports, org), Audience::Holders(Permission::CheckReports)]
        );
        let next_quarter =
            Notice::flag_raised(Uuid::nil(), org, "Ліцей", ("milestone_late", "Е"), day + chrono::Days::new(80));
        assert_ne!(late[0].key, next_quarter[0].key, "once a quarter");
    }

    #[test]
    fn the_reach_holds_everyone_the_audience_includes() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let audiences = [
            Audience::Organisation(Permission::CreatePassports, a),
            Audience::Holders(Permission::Decide),
            Audience::Person("exp".into()),
        ];
        let people: Vec<(&str, Role, Uuid)> =
            Role::ALL.into_iter().flat_map(|r| [("exp", r, a), ("someone", r, a), ("other", r, b)]).collect();
        for audience in &audiences {
            for (sub, role, own) in &people {
                let reached = match audience.reach() {
                    Reach::Person(person) => person == *sub,
                    Reach::Organisation(org, roles) => org == *own || roles.contains(role),
                    Reach::Roles(roles) => roles.contains(role),
                };
                if audience.includes(sub, &[*role], Some(*own)) {
                    assert!(reached, "{audience:?} includes {sub} ({role:?}) out of its reach");
                }
            }
        }
        assert_eq!(audiences[0].reach(), Reach::Organisation(a, vec![Role::Admin]), "only admins act for all");
    }

    #[test]
    fn one_event_has_one_key_and_the_next_event_another() {
        let first = Notice::passport_returned(Uuid::nil(), 3, Uuid::nil(), "Ліцей", Return::for_reason("причина"));
        let again = Notice::passport_returned(Uuid::nil(), 3, Uuid::nil(), "Ліцей", Return::for_reason("причина"));
        let later = Notice::passport_returned(Uuid::nil(), 5, Uuid::nil(), "Ліцей", Return::for_reason("причина"));
        assert_eq!(first.key, again.key);
        assert_ne!(first.key, later.key);
    }

    #[test]
    fn a_returned_report_is_recalled_by_its_day_on_its_own_page() {
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let (org, id) = (Uuid::from_u128(9), Uuid::from_u128(3));
        let what = Returned::Report { period: "I квартал 2027 року" };
        let report = Comeback { what, id, organisation: org, title: "Ліцей", by: on(2027, 5, 10) };
        assert_eq!(Notice::resubmit_due(&report, on(2027, 5, 6)), None, "four days before");
        let soon = Notice::resubmit_due(&report, on(2027, 5, 8)).unwrap();
        assert_eq!(soon.audience, Audience::Organisation(Permission::WriteReports, org));
        assert_eq!(soon.link, format!("/reports/{id}"));
        assert_eq!(soon.title, "Повторне подання звіту за I квартал 2027 року «Ліцей»: наближається строк");
        assert!(soon.body.contains("до 10.05.2027 включно"));
        let programme = Uuid::from_u128(4);
        let what = Returned::Quarter { programme, measure: "1.2", quarter: "I квартал", year: 2027 };
        let passed = Notice::resubmit_due(&Comeback { what, ..report }, on(2027, 5, 11)).unwrap();
        assert_eq!(passed.kind, NoticeKind::DeadlinePassed);
        assert_eq!(passed.link, format!("/programmes/{programme}/quarters?year=2027"));
        let completion = Notice::resubmit_due(&Comeback { what: Returned::Completion, ..report }, on(2027, 5, 11));
        assert_ne!(completion.unwrap().key, passed.key, "each thing has its own reminder");
        let returned = Return { reason: "немає акта", back_by: Some(on(2027, 5, 10)) };
        let decided = Notice::report_decided(id, 2, org, "I квартал 2027 року", "Ліцей", Some(returned));
        assert!(decided.body.ends_with("Виправте звіт і подайте його знову до 10.05.2027."), "{}", decided.body);
        let undated = Notice::completion_decided(id, 2, org, "Ліцей", Some(Return::for_reason("немає акта")));
        assert!(undated.body.ends_with("подайте його знову."));
    }
}
