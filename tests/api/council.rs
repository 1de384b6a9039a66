//! A portfolio before the investment council, step by step, through the
//! typed client: who may take each step, when, and what approval does.

use portfel_domain::{Role, Status};
use portfel_planning::council::DocumentStatus::{Approved, Draft, Returned, Submitted, Superseded};

use crate::common::*;

#[tokio::test]
async fn a_portfolio_is_returned_corrected_approved_and_amended() {
    for app in TestApp::all().await {
        // Arrange: a closed round of two projects, and the people at work.
        let w = World::create(&app).await;
        let (round, ids) = closed_round(&app, &w, &[complete_passport(w.goal), complete_passport(w.goal)]).await;
        let pim = app.caller(w.pim(&app));
        let council = app.caller(app.token("council", Some(w.pim_org), &[Role::Council]));
        let initiator = app.caller(w.initiator_a(&app));

        // The PIM unit builds a draft; only it and the council see drafts.
        let draft = pim.build_portfolio(&round, "0").await.unwrap();
        assert_eq!((draft.workflow.status, draft.content.items.len()), (Draft, 2));
        assert!(initiator.portfolios().await.unwrap().is_empty(), "drafts are not public");
        let early = council.approve_portfolio(&draft, "1/2026", "2026-12-01").await.unwrap_err();
        assert_eq!(early.status, 409, "a draft is not before the council: {:?}", early.problem);

        // Submitted, it no longer changes; the council returns it with comments.
        let submitted = pim.submit_portfolio(&draft).await.unwrap();
        assert_eq!(submitted.workflow.status, Submitted);
        assert_eq!(pim.rebuild_portfolio(&submitted, "0").await.unwrap_err().status, 409);
        assert_eq!(pim.approve_portfolio(&submitted, "1/2026", "2026-12-01").await.unwrap_err().status, 403);
        let returned = council.return_portfolio(&submitted, "Додати обґрунтування").await.unwrap();
        assert_eq!(
            (returned.workflow.status, returned.workflow.comment.as_deref()),
            (Returned, Some("Додати обґрунтування"))
        );

        // Corrected and submitted again, it is approved with the decision's number.
        let corrected = pim.rebuild_portfolio(&returned, "0").await.unwrap();
        assert_eq!(corrected.workflow.status, Draft);
        let again = pim.submit_portfolio(&corrected).await.unwrap();
        let unnumbered = council.approve_portfolio(&again, " ", "2026-12-01").await.unwrap_err();
        assert_eq!((unnumbered.status, problem_fields(&unnumbered.problem)), (422, vec!["number".to_owned()]));
        let tomorrow = (portfel_domain::calendar::local_date(chrono::Utc::now()) + chrono::Days::new(1)).to_string();
        let early = council.approve_portfolio(&again, "7/2026", &tomorrow).await.unwrap_err();
        assert_eq!((early.status, problem_fields(&early.problem)), (422, vec!["date".to_owned()]), "not after today");
        let approved = council.approve_portfolio(&again, "№ 7/2026", "2026-12-01").await.unwrap();
        assert_eq!(approved.workflow.status, Approved);
        assert_eq!(approved.workflow.decision.as_ref().map(|d| d.number.as_str()), Some("7/2026"));
        for id in &ids {
            assert_eq!(
                pim.passport(id.parse().unwrap()).await.unwrap().status,
                Status::InPortfolio,
                "[{}]",
                app.backend
            );
        }
        assert_eq!(initiator.portfolios().await.unwrap(), vec![approved.clone()], "the decided version is public");
        let frozen = pim.rebuild_portfolio(&approved, "0").await.unwrap_err();
        assert_eq!(frozen.status, 409);
        assert!(frozen.problem["detail"].as_str().unwrap().contains("frozen"), "{:?}", frozen.problem);

        // An amendment is a new version; its approval supersedes the first.
        let amendment = pim.amend_portfolio(&approved, &approved.content).await.unwrap();
        assert_eq!((amendment.workflow.number, amendment.workflow.previous_id), (2, Some(approved.workflow.id)));
        let amendment = pim.submit_portfolio(&amendment).await.unwrap();
        council.approve_portfolio(&amendment, "9/2026", "2026-11-30").await.unwrap();
        let states: Vec<_> = initiator.portfolios().await.unwrap().iter().map(|p| p.workflow.status).collect();
        assert_eq!(states, [Superseded, Approved]);
    }
}
