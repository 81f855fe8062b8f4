//! Request compression (feature `compression`): gzip, the one algorithm of
//! `smithy.api#requestCompression` AWS services take (CloudWatch `PutMetricData`).

use std::io::Write;

/// `data` gzipped at the default level.
pub fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4),
        flate2::Compression::default(),
    );
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    #[test]
    fn gzip_round_trips() {
        let data = "PutMetricData ".repeat(1000);
        let compressed = super::gzip(data.as_bytes()).unwrap();
        assert!(compressed.len() < data.len() / 10);
        assert_eq!(&compressed[..2], [0x1f, 0x8b], "gzip magic");
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, data);
    }
}
