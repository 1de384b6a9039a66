//! `portfel serve` as a separate process, for crash and replica tests.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `portfel serve` process; killed when dropped.
pub struct ServerProcess {
    /// Base URL, e.g. `http://127.0.0.1:4321`.
    pub base: String,
    child: Child,
}

impl ServerProcess {
    /// Starts the binary on `database_url` with the tests' JWT secret and waits until it is ready.
    pub async fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_with(database_url, &[]).await
    }

    /// [`ServerProcess::start`] with these further environment variables.
    pub async fn start_with(database_url: &str, env: &[(&str, String)]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_portfel"))
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("PORTFEL_DATABASE_URL", database_url)
            .env_remove("DATABASE_URL")
            .env("PORTFEL_BIND", format!("127.0.0.1:{port}"))
            .env("PORTFEL_JWT_SECRET", super::SECRET)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start portfel serve");
        let server = ServerProcess { base: format!("http://127.0.0.1:{port}"), child };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(format!("{}/readyz", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("portfel serve did not become ready on {}", server.base);
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
