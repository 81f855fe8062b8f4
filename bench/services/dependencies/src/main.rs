//! Builds every dependency of a leansdk program and runs none of it: compare.sh times its
//! cold release build as the floor under the lean programs' builds.

fn main() {
    // One use, so that the binary links a dependency and is not empty.
    println!("{} trusted roots", webpki_roots::TLS_SERVER_ROOTS.len());
}
