//! The `portfel` binary's library: configuration, server start-up and demo data.

pub mod config;
pub mod demo;
mod demo_monitoring;
pub mod dream_sync;
pub mod server;
