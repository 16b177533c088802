//! Personal data at rest: the 12345 caller's name and phone are sealed with SM4-GCM
//! and found by a keyed SM3 hash (HMAC-SM3) of the phone; masking stays core's
//! (`hotline::mask_phone`, `caller_view`).
//!
//! The field key is one 32-byte secret (64 hex digits) kept outside the database
//! (`QIDI_FIELD_KEY` or a key file; the binary finds it). Two sub-keys are derived
//! from it with HMAC-SM3 over fixed labels, so neither is used for both jobs:
//!
//! - the sealing key, the first 16 bytes of HMAC-SM3(secret, "qidi.field.sm4.v1");
//! - the lookup key, HMAC-SM3(secret, "qidi.field.lookup.v1").
//!
//! A sealed value is `sm4g1:` followed by the hex of nonce (12 random bytes) ‖
//! ciphertext ‖ tag (16 bytes). The associated data names the table, the column and
//! the row's id, so a sealed value copied to another row or column does not open. The
//! prefix names the scheme and key generation, so a later key can be told apart.
//!
//! A phone's lookup value is the hex of HMAC-SM3(lookup key, normalised phone): equal
//! phones give equal values, and without the key the value says nothing.

use crate::{Store, StoreError};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use hmac::{Hmac, Mac};
use sm3::Sm3;
use sqlx::Row;

/// The environment variable holding the field key itself (64 hex digits).
pub const FIELD_KEY_ENV: &str = "QIDI_FIELD_KEY";
/// The environment variable naming a file that holds the field key.
pub const FIELD_KEY_FILE_ENV: &str = "QIDI_FIELD_KEY_FILE";
/// The key file under the data directory when neither variable is set.
pub const DEFAULT_FIELD_KEY_FILE: &str = "field.key";

/// The prefix of a value sealed with SM4-GCM under the field key (scheme version 1).
pub const SEALED_PREFIX: &str = "sm4g1:";

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;
type HmacSm3 = Hmac<Sm3>;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A column holding sealed personal data, named in the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    CallerName,
    CallerPhone,
    /// A user's second-factor secret: a credential, sealed like personal data.
    TotpSecret,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::CallerName => "hotline_orders.caller_name",
            Field::CallerPhone => "hotline_orders.caller_phone",
            Field::TotpSecret => "users.totp_secret",
        }
    }
}

/// The key that seals personal data and makes its lookup values. Never stored in
/// the database, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldKey {
    seal: [u8; 16],
    lookup: [u8; 32],
}

impl std::fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldKey(…)")
    }
}

fn hmac_sm3(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = <HmacSm3 as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is not sealed (no `sm4g1:` prefix)")]
    NotSealed,
    #[error("the sealed value is malformed")]
    Malformed,
    #[error("the sealed value does not open with this key for this row")]
    Refused,
}

impl FieldKey {
    /// The sub-keys derived from a 32-byte secret.
    pub fn from_secret(secret: &[u8; 32]) -> FieldKey {
        let mut seal = [0u8; 16];
        seal.copy_from_slice(&hmac_sm3(secret, b"qidi.field.sm4.v1")[..16]);
        FieldKey { seal, lookup: hmac_sm3(secret, b"qidi.field.lookup.v1") }
    }

    /// The key from its text: 64 hex digits, surrounding white space ignored.
    pub fn parse_hex(text: &str) -> Result<FieldKey, StoreError> {
        let bad = || StoreError::FieldKey("a field key is 64 hex digits (32 bytes)".into());
        let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
        let secret: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        Ok(FieldKey::from_secret(&secret))
    }

    /// A new random key, with its text (64 hex digits) to keep.
    pub fn generate() -> (FieldKey, String) {
        use rand::RngCore;
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        (FieldKey::from_secret(&secret), hex::encode(secret))
    }

    fn cipher(&self) -> Sm4Gcm {
        Sm4Gcm::new(&self.seal.into())
    }

    fn aad(field: Field, row_id: &str) -> Vec<u8> {
        format!("qidi.{}:{row_id}", field.label()).into_bytes()
    }

    /// `plain` sealed for `field` of row `row_id`.
    pub fn seal(&self, field: Field, row_id: &str, plain: &str) -> String {
        use rand::RngCore;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = Self::aad(field, row_id);
        // Encryption fails only for messages beyond GCM's limit (64 GiB).
        let sealed = self
            .cipher()
            .encrypt(Nonce::<U12>::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: &aad })
            .expect("a field is far below GCM's message limit");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", hex::encode(out))
    }

    /// The plain text of a value sealed for `field` of row `row_id`.
    pub fn open(&self, field: Field, row_id: &str, sealed: &str) -> Result<String, OpenError> {
        let body = sealed.strip_prefix(SEALED_PREFIX).ok_or(OpenError::NotSealed)?;
        let bytes = hex::decode(body).map_err(|_| OpenError::Malformed)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = Self::aad(field, row_id);
        let plain = self
            .cipher()
            .decrypt(Nonce::<U12>::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
            .map_err(|_| OpenError::Refused)?;
        String::from_utf8(plain).map_err(|_| OpenError::Malformed)
    }

    /// The lookup value of a phone (already normalised by core `normalise_phone`).
    pub fn phone_lookup(&self, phone: &str) -> String {
        hex::encode(hmac_sm3(&self.lookup, format!("phone:{phone}").as_bytes()))
    }
}

impl Store {
    /// The field key, once [`open_personal_data`](Self::open_personal_data) loaded it.
    pub(crate) fn field_key(&self) -> Result<&FieldKey, StoreError> {
        self.field_key.get().ok_or_else(|| {
            StoreError::FieldKey(
                "no field key is loaded, so callers' personal data cannot be sealed or read; set QIDI_FIELD_KEY or QIDI_FIELD_KEY_FILE"
                    .into(),
            )
        })
    }

    /// Whether the database holds personal data sealed with some field key.
    pub async fn has_sealed_personal_data(&self) -> Result<bool, StoreError> {
        let callers = sqlx::query("SELECT 1 FROM hotline_orders WHERE caller_phone_sealed IS NOT NULL LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        let secrets =
            sqlx::query("SELECT 1 FROM users WHERE totp_secret IS NOT NULL LIMIT 1").fetch_optional(&self.pool).await?;
        Ok(callers.is_some() || secrets.is_some())
    }

    /// Load the field key for this store's life, then seal every caller's name and
    /// phone still held in plain text (rows from before migration 0024). A key that
    /// does not open the data already sealed is refused, and nothing is changed.
    /// Returns how many orders were sealed now; running it again seals none.
    pub async fn open_personal_data(&self, key: FieldKey) -> Result<u64, StoreError> {
        let sample = sqlx::query(
            "SELECT id, caller_name_sealed, caller_phone_sealed FROM hotline_orders
             WHERE caller_phone_sealed IS NOT NULL ORDER BY id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = sample {
            let id: String = r.get(0);
            let name: Option<String> = r.get(1);
            let phone: String = r.get(2);
            let opens = key.open(Field::CallerPhone, &id, &phone).is_ok()
                && name.is_some_and(|n| key.open(Field::CallerName, &id, &n).is_ok());
            if !opens {
                return Err(StoreError::FieldKey(format!(
                    "the field key does not open the callers' data already sealed in this database (work order {id}): it is the wrong key. Set QIDI_FIELD_KEY or QIDI_FIELD_KEY_FILE to the key the data was sealed with"
                )));
            }
        }
        let secret = sqlx::query("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        if let Some(r) = secret {
            let id: String = r.get(0);
            if key.open(Field::TotpSecret, &id, &r.get::<String, _>(1)).is_err() {
                return Err(StoreError::FieldKey(format!(
                    "the field key does not open the second-factor secrets sealed in this database (user {id}): it is the wrong key. Set QIDI_FIELD_KEY or QIDI_FIELD_KEY_FILE to the key they were sealed with"
                )));
            }
        }
        if let Some(loaded) = self.field_key.get() {
            if *loaded != key {
                return Err(StoreError::FieldKey("another field key is already loaded in this process".into()));
            }
        }
        let _ = self.field_key.set(key);
        self.seal_personal_data().await
    }

    /// Seal every order whose caller is still in plain text, in one transaction: all
    /// of them or, on any error, none.
    async fn seal_personal_data(&self) -> Result<u64, StoreError> {
        let key = self.field_key()?;
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT id, caller_name, caller_phone FROM hotline_orders WHERE caller_phone_sealed IS NULL ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut sealed = 0;
        for r in &rows {
            let (id, name, phone): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            // Stored phones were normalised at intake; normalising again changes nothing
            // for them and makes the lookup value agree with a search.
            let normal = qidi_core::hotline::normalise_phone(&phone).unwrap_or_else(|| phone.clone());
            sealed += sqlx::query(
                "UPDATE hotline_orders SET caller_name = '', caller_phone = '', caller_name_sealed = $1,
                     caller_phone_sealed = $2, caller_phone_lookup = $3
                 WHERE id = $4 AND caller_phone_sealed IS NULL",
            )
            .bind(key.seal(Field::CallerName, &id, &name))
            .bind(key.seal(Field::CallerPhone, &id, &phone))
            .bind(key.phone_lookup(&normal))
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        if sealed > 0 {
            tracing::info!(orders = sealed, "sealed the callers' names and phones of older work orders (SM4-GCM)");
        }
        Ok(sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8998, appendix A.1: SM4-GCM as China's TLS 1.3 suites use it.
    #[test]
    fn sm4_gcm_matches_rfc_8998() {
        let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
        let nonce = hex::decode("00001234567800000000ABCD").unwrap();
        let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
        let plain = hex::decode(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
        )
        .unwrap();
        let expected = "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D83DE3541E4C2B58177E065A9BF7B62EC";
        let cipher = Sm4Gcm::new_from_slice(&key).unwrap();
        let out = cipher.encrypt(Nonce::<U12>::from_slice(&nonce), Payload { msg: &plain, aad: &aad }).unwrap();
        assert_eq!(hex::encode_upper(out), expected);
    }

    /// The `hmac` crate over SM3 is RFC 2104's construction, written out by hand here.
    #[test]
    fn hmac_sm3_is_hmac_over_sm3() {
        // HMAC(K, m) = H((K ^ opad) ‖ H((K ^ ipad) ‖ m)), computed here by hand.
        use sm3::Digest;
        let (k, m) = (b"key", b"The quick brown fox jumps over the lazy dog");
        let mut block = [0u8; 64];
        block[..k.len()].copy_from_slice(k);
        let pad = |b: u8| block.iter().map(|x| x ^ b).collect::<Vec<u8>>();
        let inner = Sm3::new().chain_update(pad(0x36)).chain_update(m).finalize();
        let outer = Sm3::new().chain_update(pad(0x5c)).chain_update(inner).finalize();
        assert_eq!(hmac_sm3(k, m).as_slice(), outer.as_slice());
    }

    fn key(byte: u8) -> FieldKey {
        FieldKey::from_secret(&[byte; 32])
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_row_and_column() {
        let k = key(7);
        let sealed = k.seal(Field::CallerPhone, "row-1", "13812345678");
        assert!(sealed.starts_with(SEALED_PREFIX) && !sealed.contains("13812345678"));
        assert_eq!(k.open(Field::CallerPhone, "row-1", &sealed).unwrap(), "13812345678");
        // A fresh nonce each time: the same phone seals differently.
        assert_ne!(sealed, k.seal(Field::CallerPhone, "row-1", "13812345678"));
        assert_eq!(k.open(Field::CallerPhone, "row-2", &sealed), Err(OpenError::Refused));
        assert_eq!(k.open(Field::CallerName, "row-1", &sealed), Err(OpenError::Refused));
        assert_eq!(key(8).open(Field::CallerPhone, "row-1", &sealed), Err(OpenError::Refused));
        assert_eq!(k.open(Field::CallerPhone, "row-1", "13812345678"), Err(OpenError::NotSealed));
        assert_eq!(k.open(Field::CallerPhone, "row-1", "sm4g1:zz"), Err(OpenError::Malformed));
        assert_eq!(k.open(Field::CallerPhone, "row-1", "sm4g1:00ff"), Err(OpenError::Malformed));
        // One flipped bit of the ciphertext is refused.
        let mut bytes = hex::decode(&sealed[SEALED_PREFIX.len()..]).unwrap();
        bytes[NONCE_LEN] ^= 1;
        let flipped = format!("{SEALED_PREFIX}{}", hex::encode(bytes));
        assert_eq!(k.open(Field::CallerPhone, "row-1", &flipped), Err(OpenError::Refused));
    }

    #[test]
    fn the_lookup_value_is_keyed_and_stable() {
        let k = key(7);
        assert_eq!(k.phone_lookup("13812345678"), k.phone_lookup("13812345678"));
        assert_ne!(k.phone_lookup("13812345678"), k.phone_lookup("13812345679"));
        assert_ne!(k.phone_lookup("13812345678"), key(8).phone_lookup("13812345678"));
        assert_eq!(k.phone_lookup("13812345678").len(), 64);
    }

    #[test]
    fn a_key_is_64_hex_digits() {
        let (k, text) = FieldKey::generate();
        assert_eq!(text.len(), 64);
        assert_eq!(FieldKey::parse_hex(&format!(" {text}\n")).unwrap(), k);
        assert!(FieldKey::parse_hex(&text[..62]).is_err());
        assert!(FieldKey::parse_hex(&format!("{}zz", &text[..62])).is_err());
        assert!(FieldKey::parse_hex("").is_err());
        // The two sub-keys differ from each other and from the secret.
        let k = key(1);
        assert_ne!(&k.lookup[..16], &k.seal[..]);
        assert_ne!(k.seal, [1u8; 16]);
        assert_eq!(format!("{k:?}"), "FieldKey(…)");
    }
}
