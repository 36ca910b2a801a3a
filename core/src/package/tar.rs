//! A tar writer that lays out headers as Go's `archive/tar` does for the
//! entries Helm writes (regular files, mode 0644, uid/gid 0, empty owner
//! names): USTAR when the name fits (splitting into prefix/name like Go),
//! otherwise a PAX `path` record first. No record padding: the stream ends
//! with two zero blocks, as Go's `Writer.Close`.

use std::io::{self, Write};

const BLOCK: usize = 512;
const NAME_SIZE: usize = 100;
const PREFIX_SIZE: usize = 155;

/// Writes tar entries to `out`.
pub struct TarWriter<W: Write> {
    out: W,
}

impl<W: Write> TarWriter<W> {
    pub fn new(out: W) -> TarWriter<W> {
        TarWriter { out }
    }

    /// Appends a regular file (mode 0644) modified at `mtime` (Unix seconds).
    pub fn append_file(&mut self, name: &str, data: &[u8], mtime: i64) -> io::Result<()> {
        match split_ustar_path(name) {
            Some((prefix, base)) => {
                let h = header(base, prefix, data.len() as u64, mtime, b'0');
                self.out.write_all(&h)?;
            }
            None => {
                // PAX extended header carrying the full path, then a USTAR
                // header with the name cut to fit (readers use the record).
                let record = pax_record("path", name);
                let pax_name = truncate(&pax_header_name(name), NAME_SIZE);
                let h = header(&pax_name, "", record.len() as u64, mtime, b'x');
                self.out.write_all(&h)?;
                self.write_padded(record.as_bytes())?;
                let h = header(
                    &truncate(name, NAME_SIZE),
                    "",
                    data.len() as u64,
                    mtime,
                    b'0',
                );
                self.out.write_all(&h)?;
            }
        }
        self.write_padded(data)
    }

    fn write_padded(&mut self, data: &[u8]) -> io::Result<()> {
        self.out.write_all(data)?;
        let rem = data.len() % BLOCK;
        if rem != 0 {
            self.out.write_all(&[0u8; BLOCK][..BLOCK - rem])?;
        }
        Ok(())
    }

    /// Writes the two zero blocks that end an archive and returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&[0u8; BLOCK * 2])?;
        Ok(self.out)
    }
}

/// Go's `splitUSTARPath`: `Some((prefix, name))` if the path fits USTAR.
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    if !name.is_ascii() {
        return None;
    }
    if name.len() <= NAME_SIZE {
        return Some(("", name));
    }
    let mut length = name.len();
    if length > PREFIX_SIZE + 1 {
        length = PREFIX_SIZE + 1;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let nlen = name.len() - i - 1;
    if i == 0 || nlen > NAME_SIZE || nlen == 0 || i > PREFIX_SIZE {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// `dir/PaxHeaders.0/base`, as Go names PAX headers.
fn pax_header_name(name: &str) -> String {
    let (dir, base) = match name.rfind('/') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    };
    if dir.is_empty() {
        format!("PaxHeaders.0/{base}")
    } else {
        format!("{dir}/PaxHeaders.0/{base}")
    }
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// One PAX record: `"%d %s=%s\n"` where the length counts itself.
fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut size = body.len() + 1;
    loop {
        let candidate = format!("{size}{body}");
        if candidate.len() == size {
            return candidate;
        }
        size = candidate.len();
    }
}

/// A USTAR header block laid out like Go's `writeUSTARHeader`.
fn header(name: &str, prefix: &str, size: u64, mtime: i64, typeflag: u8) -> [u8; BLOCK] {
    let mut b = [0u8; BLOCK];
    put_str(&mut b[0..100], name);
    put_octal(&mut b[100..108], 0o644);
    put_octal(&mut b[108..116], 0);
    put_octal(&mut b[116..124], 0);
    put_numeric(&mut b[124..136], size);
    put_numeric(&mut b[136..148], mtime.max(0) as u64);
    b[156] = typeflag;
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    put_octal(&mut b[329..337], 0);
    put_octal(&mut b[337..345], 0);
    put_str(&mut b[345..500], prefix);
    // Checksum over the block with the checksum field as spaces; Go prints
    // six octal digits, a NUL and a space.
    b[148..156].copy_from_slice(b"        ");
    let sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
    put_octal(&mut b[148..155], sum);
    b[155] = b' ';
    b
}

fn put_str(field: &mut [u8], s: &str) {
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s.as_bytes()[..n]);
}

/// Zero-padded octal, NUL-terminated (Go's `formatOctal`).
fn put_octal(field: &mut [u8], v: u64) {
    let s = format!("{v:o}");
    let width = field.len() - 1;
    let padded = if s.len() < width {
        format!("{}{s}", "0".repeat(width - s.len()))
    } else {
        s
    };
    put_str(field, &padded);
    if padded.len() < field.len() {
        field[padded.len()] = 0;
    }
}

/// Octal when it fits, else base-256 (Go's `formatNumeric`).
fn put_numeric(field: &mut [u8], v: u64) {
    let digits = field.len() - 1;
    if digits >= 22 || v < (1u64 << (3 * digits as u32)) {
        put_octal(field, v);
        return;
    }
    let mut x = v;
    for slot in field.iter_mut().rev() {
        *slot = (x & 0xff) as u8;
        x >>= 8;
    }
    field[0] |= 0x80;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_match_go_layout() {
        // Recorded from `helm package` (Helm 3.10.1) of the pacman seed chart.
        let h = header("pacman/Chart.yaml", "", 116, 0o15301545031, b'0');
        assert_eq!(&h[100..108], b"0000644\0");
        assert_eq!(&h[124..136], b"00000000164\0");
        assert_eq!(&h[136..148], b"15301545031\0");
        assert_eq!(&h[148..156], b"012426\0 ");
        assert_eq!(&h[257..265], b"ustar\x0000");
        assert_eq!(&h[329..345], b"0000000\x000000000\0");
    }

    #[test]
    fn long_names_use_prefix_or_pax() {
        let long = format!("{}/{}", "d".repeat(120), "f.yaml");
        assert_eq!(split_ustar_path(&long), Some((&long[..120], "f.yaml")));
        assert_eq!(split_ustar_path(&"x".repeat(101)), None);
        let mut w = TarWriter::new(Vec::new());
        let name = format!("c/{}", "é".repeat(80));
        w.append_file(&name, b"hi", 0).unwrap();
        let bytes = w.finish().unwrap();
        let mut ar = tar::Archive::new(&bytes[..]);
        let names: Vec<String> = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![name]);
    }

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
    }
}
