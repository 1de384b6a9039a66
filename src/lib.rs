//! The `portfel` binary's library: configuration, server start-up and demo data.

pub mod config;
pub mod demo;
pub mod dream_sync;
pub mod server;
