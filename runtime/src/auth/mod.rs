//! Who is calling: credentials and the SigV4 signature made with them.

pub mod credentials;
pub mod sigv4;
