//! SHA-1 (FIPS 180-4), hand-written rather than the `sha1` crate because the dependency
//! graph is at its limit (`bench/compare.sh`: 54 crates would be 0.4 of the official SDK's
//! 135, the floor). Two uses, neither needing a secure hash: the file name of an SSO token
//! in `~/.aws/sso/cache/` (the AWS CLI names it after the SHA-1 of the session name or start
//! URL), and S3's `x-amz-checksum-sha1` (feature `checksums`). Tested against the FIPS and
//! RFC 3174 vectors.

/// The SHA-1 of `data`, as lowercase hex.
#[cfg(feature = "credential-providers")]
pub(crate) fn hex_digest(data: &[u8]) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(data);
    sha1.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// An incremental SHA-1: [`update`](Self::update) with the data in pieces of any size, then
/// [`finalize`](Self::finalize).
#[derive(Clone, Debug)]
pub(crate) struct Sha1 {
    state: [u32; 5],
    /// The bytes of an incomplete 64-byte block.
    pending: [u8; 64],
    pending_len: usize,
    length: u64,
}

impl Sha1 {
    pub(crate) fn new() -> Self {
        Self {
            state: [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ],
            pending: [0; 64],
            pending_len: 0,
            length: 0,
        }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        if self.pending_len > 0 {
            let take = data.len().min(64 - self.pending_len);
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&data[..take]);
            self.pending_len += take;
            data = &data[take..];
            if self.pending_len < 64 {
                return;
            }
            let block = self.pending;
            self.compress(&block);
            self.pending_len = 0;
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            self.compress(block.try_into().expect("64-byte chunk"));
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub(crate) fn finalize(mut self) -> [u8; 20] {
        let bit_length = self.length.wrapping_mul(8);
        let mut tail = vec![0x80];
        while (self.pending_len + tail.len()) % 64 != 56 {
            tail.push(0);
        }
        tail.extend_from_slice(&bit_length.to_be_bytes());
        // Padding is not data: keep the length it was computed from.
        let length = self.length;
        self.update(&tail);
        self.length = length;
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn compress(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (state, value) in self.state.iter_mut().zip([a, b, c, d, e]) {
            *state = state.wrapping_add(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Sha1;

    fn hex_digest(data: &[u8]) -> String {
        let mut sha1 = Sha1::new();
        sha1.update(data);
        sha1.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn fips_180_and_rfc_3174_vectors() {
        assert_eq!(hex_digest(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex_digest(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex_digest(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(
            hex_digest(&vec![b'a'; 1_000_000]),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn the_aws_cli_cache_names() {
        // A session name and a legacy start URL, as the cache names them (checked with
        // Python's hashlib).
        assert_eq!(
            hex_digest(b"admin"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
        assert_eq!(
            hex_digest(b"https://d-abc123.awsapps.com/start"),
            "40a89917e3175433e361b710a9d43528d7f1890a"
        );
    }

    #[test]
    fn pieces_of_any_size_hash_as_the_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = hex_digest(&data);
        for piece in [1, 3, 63, 64, 65, 200] {
            let mut sha1 = Sha1::new();
            for chunk in data.chunks(piece) {
                sha1.update(chunk);
            }
            let hex: String = sha1.finalize().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, whole, "pieces of {piece}");
        }
    }
}
