//! Implementation monitoring, pure: what a project reports per period, the
//! local target programmes with their measures, the deviation rules that
//! flag a project, and the plan-against-fact arithmetic of the annual
//! programme report. No IO: the store keeps these, the API serves them.

pub mod annual;
pub mod completion;
pub mod deviation;
pub mod expost;
pub mod period;
pub mod programme;
pub mod quarters;
pub mod records;
pub mod report;
pub mod reporting;
pub mod rolling;
pub mod summary;
pub mod thousands;
pub mod versions;
