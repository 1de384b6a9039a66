//! `portfel remind`: the reminders due on a day, sent or only listed.

use chrono::NaiveDate;
use portfel_api::AppState;

/// Sends the reminders due on `today` that nobody has had yet, or with
/// `dry_run` lists each with the people it would tell, changing nothing.
pub async fn run(state: &AppState, today: NaiveDate, dry_run: bool) -> anyhow::Result<()> {
    let failed = |e: portfel_api::problem::ApiError| anyhow::anyhow!("reminders: {e:?}");
    if dry_run {
        let pending = portfel_api::reminders::dry_run(state, today).await.map_err(failed)?;
        if pending.is_empty() {
            println!("nothing to remind of on {today}");
        }
        for (notice, people) in pending {
            println!("{} → {}: {}", notice.kind.as_str(), people.join(", "), notice.title);
        }
        return Ok(());
    }
    let told = portfel_api::reminders::send(state, today).await.map_err(failed)?;
    println!("{told} reminders written for {today}");
    Ok(())
}
