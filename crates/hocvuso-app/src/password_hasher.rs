//! argon2id hashing at the OWASP parameters (m = 19 MiB, t = 2, p = 1), with a cap on concurrent hashes.
//!
//! Each hash holds 19 MiB for ~30 ms of CPU: 100 simultaneous sign-ins would need 1.9 GB. A semaphore sized to the
//! cores queues the rest, and hashing runs on the blocking pool so the async workers keep serving pages.

use std::sync::Arc;

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use tokio::sync::{OnceCell, Semaphore};
use unicode_normalization::UnicodeNormalization;

/// Hashes and verifies passwords.
#[derive(Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy_hash: OnceCell<String>,
}

impl PasswordHasher {
    /// A hasher allowing `max_concurrent` hashes at once.
    pub fn new(max_concurrent: usize) -> PasswordHasher {
        PasswordHasher { permits: Arc::new(Semaphore::new(max_concurrent.max(1))), dummy_hash: OnceCell::new() }
    }

    /// A hasher sized to the machine's cores.
    pub fn for_this_machine() -> PasswordHasher {
        PasswordHasher::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
    }

    /// Hashes a new password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    ///
    /// The password is NFC-normalised first: "Trâu" typed on a keyboard that sends decomposed accents must
    /// still match the same word typed elsewhere. Nothing else is changed (no trimming, no truncation).
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        let password: String = password.nfc().collect();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|err| anyhow::anyhow!("argon2: {err}"))
        })
        .await
        .context("hashing task")?
    }

    /// Checks a password against a stored PHC string.
    pub async fn verify(&self, password: &str, phc: &str) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        let password: String = password.nfc().collect();
        let phc = phc.to_owned();
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(|err| anyhow::anyhow!("stored hash: {err}"))?;
            Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .context("hashing task")?
    }

    /// Spends the same time as a real check, for accounts that do not exist (no timing oracle).
    pub async fn verify_nothing(&self, password: &str) -> anyhow::Result<()> {
        let dummy = self.dummy_hash.get_or_try_init(|| self.hash("không có tài khoản này")).await?.clone();
        self.verify(password, &dummy).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_match_whatever_the_unicode_form_and_hash_at_owasp_parameters() {
        let hasher = PasswordHasher::new(2);
        let composed = "Trâu đi cày sớm";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        let phc = hasher.hash(composed).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher.verify(&decomposed, &phc).await.unwrap());
        assert!(!hasher.verify("Trâu đi cày sớm ", &phc).await.unwrap(), "no trimming");
        assert!(!hasher.verify("Trau di cay som", &phc).await.unwrap());
    }
}
