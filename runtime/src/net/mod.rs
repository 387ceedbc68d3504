//! The network side: the MQTT protocol, the broker, the worker and the
//! dispatcher. It reaches programs only through the host's pipe protocol.

pub mod broker;
pub mod config;
pub mod dispatch;
pub mod mqtt;
pub mod protocol;
pub mod worker;
