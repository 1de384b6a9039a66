//! The `portfel` binary's library: configuration, server start-up, demo data,
//! DREAM sync, backup and restore.

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
mod demo_completion;
mod demo_monitoring;
pub mod dream_sync;
pub mod progress;
pub mod remind;
pub mod server;
pub mod telemetry;
