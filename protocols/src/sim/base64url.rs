//! base64url without padding (RFC 4648, section 5), the text share links
//! carry their data in, written here rather than taken from a crate because
//! the shipped wasm has a size budget. Decoding is strict, as the `base64`
//! crate's `URL_SAFE_NO_PAD` that wrote earlier links is: only the alphabet,
//! no padding, and no bits set past the last byte.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why [`decode`] refused a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A character outside the alphabet (`=` included).
    BadCharacter,
    /// A length no text has (one character past a group of four), or bits
    /// set past the last byte: what a text cut off at its end looks like.
    CutShort,
}

/// `bytes` as base64url, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let bits = group.iter().enumerate().fold(0u32, |bits, (i, &byte)| bits | u32::from(byte) << (16 - 8 * i));
        // n bytes take n + 1 characters of 6 bits.
        for i in 0..=group.len() {
            text.push(char::from(ALPHABET[(bits >> (18 - 6 * i) & 63) as usize]));
        }
    }
    text
}

/// The bytes of a base64url text without padding.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for group in text.as_bytes().chunks(4) {
        let mut bits = 0u32;
        for (i, &character) in group.iter().enumerate() {
            let value = ALPHABET.iter().position(|&c| c == character).ok_or(DecodeError::BadCharacter)?;
            bits |= (value as u32) << (18 - 6 * i);
        }
        // n characters carry n * 6 bits: whole bytes, then bits that must be zero.
        let whole = group.len() * 6 / 8;
        if whole == 0 || bits & (0xFF_FFFF >> (8 * whole)) != 0 {
            return Err(DecodeError::CutShort);
        }
        bytes.extend_from_slice(&bits.to_be_bytes()[1..=whole]);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_rfc_4648_vectors_and_reads_them_back() {
        for (bytes, text) in [
            (&b""[..], ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xFB, 0xFF, 0xBF], "-_-_"),
        ] {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text), Ok(bytes.to_vec()), "{text}");
        }
    }

    #[test]
    fn refuses_other_characters_and_ends_no_encoding_has() {
        for (text, error) in [
            ("A", DecodeError::CutShort),
            ("Zm9vY", DecodeError::CutShort),
            ("Zh", DecodeError::CutShort),  // bits set past the last byte
            ("Zm9", DecodeError::CutShort), // the same, two bytes in
            ("Zg==", DecodeError::BadCharacter),
            ("Zm+v", DecodeError::BadCharacter),
            ("Zm/v", DecodeError::BadCharacter),
            ("Zm9v!", DecodeError::BadCharacter), // a bad character comes first
            ("Zé", DecodeError::BadCharacter),
        ] {
            assert_eq!(decode(text), Err(error), "{text}");
        }
    }
}
