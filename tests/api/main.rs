//! End-to-end tests in one binary: the API over HTTP (in-process servers and
//! `portfel serve` processes), the store, the DREAM sync client and the
//! OpenAPI document, on SQLite and, when `DATABASE_URL` names a PostgreSQL
//! server, on a scratch database of that server too.

mod browser;
mod common;

mod attachments;
mod backup;
mod completion;
mod council;
mod crash;
mod demo;
mod deployment;
mod documents;
mod dream_api;
mod dream_sync;
mod evaluation;
mod file_store;
mod forms;
mod hardening;
mod layering;
mod mail;
mod messages;
mod metrics;
mod monitoring;
mod notifications;
mod openapi;
mod passports;
mod permissions;
mod planning;
mod programme_history;
mod replicas;
mod robustness;
mod rounds_pages;
mod security;
mod store;
mod trust;
mod upgrade;
mod web;
