//! The team store: runs kept in S3 under `s3://bucket/prefix/`, so that any machine with the
//! URL and the credentials can resume, watch or destroy them. `runs/<id>.json` is a run's
//! metadata, `runs/<id>/records/<seq>` one record each and `runs/<id>/lock` its holder.
//! Records and the lock are created with `If-None-Match: *`: two writers can never both
//! commit one sequence number or both take a run.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, ServerSideEncryption};
use aws_sdk_s3::Client;
use runbook_aws::clients::{self, AwsOptions, Clients};
use serde::{Deserialize, Serialize};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use super::backend::{highest_number, Appender, Backend, Lease};
use super::record::{decode, Record};
use super::store::TornTail;
use crate::error::{Error, Result};
use crate::output;

pub struct S3Backend {
    shared: Arc<Shared>,
}

/// What the backend, its leases and its appenders share: one client on one runtime.
struct Shared {
    runtime: Option<Runtime>,
    client: Client,
    bucket: String,
    /// Empty, or ending in `/`.
    prefix: String,
    /// The KMS key every write is encrypted with; `None`: the bucket's default encryption.
    kms_key: Option<String>,
    /// The caller's ARN, as STS gave it.
    caller: Option<String>,
    /// Records read so far, by key: a record object is never rewritten (it is created only
    /// if absent), so `status --watch` and `logs --follow` fetch only the new ones.
    records: Mutex<HashMap<String, Vec<u8>>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last holder may be dropped inside another runtime, where a blocking shutdown
        // would panic.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Splits `s3://bucket/prefix` into the bucket and the prefix (empty, or ending in `/`).
pub fn parse_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return None;
    }
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Some((bucket.to_string(), prefix))
}

fn failure<E: ProvideErrorMetadata + std::error::Error + 'static>(
    context: String,
    error: SdkError<E>,
) -> Error {
    let code = error.code().unwrap_or("no error code").to_string();
    Error::state(
        context,
        std::io::Error::other(format!("{code}: {}", DisplayErrorContext(&error))),
    )
}

/// A PutObject of `key`, encrypted with the KMS key when one is given (else the bucket's
/// default encryption applies).
fn put_request(
    client: &Client,
    bucket: &str,
    kms: &Option<String>,
    key: &str,
) -> PutObjectFluentBuilder {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .set_server_side_encryption(kms.as_ref().map(|_| ServerSideEncryption::AwsKms))
        .set_ssekms_key_id(kms.clone())
}

fn lost(why: &str) -> Error {
    Error::state("the S3 store", std::io::Error::other(why.to_string()))
}

fn status<E>(error: &SdkError<E>) -> Option<u16> {
    error.raw_response().map(|r| r.status().as_u16())
}

impl Shared {
    /// Starts a call on the store's runtime; its answer comes on the receiver.
    fn spawn<T: Send + 'static>(
        &self,
        call: impl Future<Output = T> + Send + 'static,
    ) -> Result<mpsc::Receiver<T>> {
        let (tx, rx) = mpsc::sync_channel(1);
        let runtime = self
            .runtime
            .as_ref()
            .ok_or_else(|| lost("its runtime has stopped"))?;
        runtime.spawn(async move {
            let _ = tx.send(call.await);
        });
        Ok(rx)
    }

    /// Runs a call on the store's runtime and waits for it, from any thread, inside another
    /// runtime or not.
    fn run<T: Send + 'static>(&self, call: impl Future<Output = T> + Send + 'static) -> Result<T> {
        self.spawn(call)?
            .recv()
            .map_err(|_| lost("a call was lost"))
    }

    fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    fn meta_key(&self, id: &str) -> String {
        format!("{}runs/{id}.json", self.prefix)
    }

    fn run_prefix(&self, id: &str) -> String {
        format!("{}runs/{id}/", self.prefix)
    }

    fn lock_key(&self, id: &str) -> String {
        format!("{}lock", self.run_prefix(id))
    }

    fn record_key(&self, id: &str, seq: u64) -> String {
        format!("{}records/{seq:020}", self.run_prefix(id))
    }

    /// The object's bytes; `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.fetch(key)?.map(|(bytes, _)| bytes))
    }

    /// The object's bytes and ETag; `None` when there is none.
    fn fetch(&self, key: &str) -> Result<Option<(Vec<u8>, Option<String>)>> {
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), key.to_string());
        let url = self.url(&key);
        self.run(async move {
            match client.get_object().bucket(bucket).key(key).send().await {
                Ok(answer) => {
                    let etag = answer.e_tag().map(String::from);
                    match answer.body.collect().await {
                        Ok(bytes) => Ok(Some((bytes.to_vec(), etag))),
                        Err(e) => Err(Error::state(
                            format!("cannot read {url}"),
                            std::io::Error::other(e.to_string()),
                        )),
                    }
                }
                Err(e) if status(&e) == Some(404) => Ok(None),
                Err(e) => Err(failure(format!("cannot read {url}"), e)),
            }
        })?
    }

    /// Writes the object whole, whatever was there.
    fn put(&self, key: &str, body: Vec<u8>) -> Result<()> {
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), key.to_string());
        let kms = self.kms_key.clone();
        let url = self.url(&key);
        self.run(async move {
            let put = put_request(&client, bucket.as_str(), &kms, key.as_str());
            match put.body(ByteStream::from(body)).send().await {
                Ok(_) => Ok(()),
                Err(e) => Err(failure(format!("cannot write {url}"), e)),
            }
        })?
    }

    /// Creates the object only if there is none yet: `Some(its ETag)`, or `None` when there
    /// was one.
    fn create(&self, key: &str, body: Vec<u8>) -> Result<Option<Option<String>>> {
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), key.to_string());
        let kms = self.kms_key.clone();
        let url = self.url(&key);
        self.run(async move {
            let put = put_request(&client, bucket.as_str(), &kms, key.as_str())
                .if_none_match("*")
                .body(ByteStream::from(body))
                .send()
                .await;
            match put {
                Ok(answer) => Ok(Some(answer.e_tag().map(String::from))),
                // 409: a concurrent conditional write of the same key is in flight.
                Err(e) if matches!(status(&e), Some(412 | 409)) => Ok(None),
                Err(e) => Err(failure(format!("cannot write {url}"), e)),
            }
        })?
    }

    fn delete(&self, key: &str) -> Result<()> {
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), key.to_string());
        let url = self.url(&key);
        self.run(async move {
            match client.delete_object().bucket(bucket).key(key).send().await {
                Ok(_) => Ok(()),
                Err(e) => Err(failure(format!("cannot delete {url}"), e)),
            }
        })?
    }

    fn exists(&self, key: &str) -> Result<bool> {
        let (client, bucket, key) = (self.client.clone(), self.bucket.clone(), key.to_string());
        let url = self.url(&key);
        self.run(async move {
            match client.head_object().bucket(bucket).key(key).send().await {
                Ok(_) => Ok(true),
                Err(e) if status(&e) == Some(404) => Ok(false),
                Err(e) => Err(failure(format!("cannot read {url}"), e)),
            }
        })?
    }

    /// Every key under `prefix` (with `delimiter`, only those directly under it), in order.
    fn list(&self, prefix: &str, delimiter: bool) -> Result<Vec<String>> {
        let (client, bucket, prefix) =
            (self.client.clone(), self.bucket.clone(), prefix.to_string());
        let url = self.url(&prefix);
        self.run(async move {
            let mut keys = Vec::new();
            let mut token = None;
            loop {
                let mut list = client
                    .list_objects_v2()
                    .bucket(&bucket)
                    .prefix(&prefix)
                    .set_continuation_token(token);
                if delimiter {
                    list = list.delimiter("/");
                }
                let page = list
                    .send()
                    .await
                    .map_err(|e| failure(format!("cannot list {url}"), e))?;
                keys.extend(
                    page.contents()
                        .iter()
                        .filter_map(|o| o.key().map(String::from)),
                );
                token = page.next_continuation_token().map(String::from);
                if token.is_none() {
                    return Ok(keys);
                }
            }
        })?
    }
}

impl S3Backend {
    /// Opens the store at `url`, checking first that the bucket is there, reachable with
    /// these credentials, and versioned (so that no record can be lost by an overwrite).
    pub fn open(url: &str, kms_key: Option<&str>, options: &AwsOptions) -> Result<S3Backend> {
        let usage = || {
            Error::Usage(format!(
                "--state-dir {url}: an S3 store is given as s3://BUCKET[/PREFIX]"
            ))
        };
        let (bucket, prefix) = parse_url(url).ok_or_else(usage)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| Error::state("cannot start the S3 store's runtime", e))?;
        let (options, trace) = (options.clone(), options.trace);
        let config = {
            let (tx, rx) = mpsc::sync_channel(1);
            runtime.spawn(async move {
                let _ = tx.send(clients::load(&options).await);
            });
            rx.recv().map_err(|_| {
                Error::state(
                    "the S3 store",
                    std::io::Error::other("loading its configuration failed"),
                )
            })?
        };
        let config = config
            .map_err(|e| Error::Usage(format!("--state-dir {url}: {}: {}", e.code, e.message)))?;
        let clients = Clients::new(config, trace);
        let mut shared = Shared {
            runtime: Some(runtime),
            client: clients.s3().clone(),
            bucket,
            prefix,
            caller: None,
            kms_key: kms_key.map(String::from),
            records: Mutex::new(HashMap::new()),
        };
        shared.check_bucket(url)?;
        // Who the locks and the runs this process starts name; the store works without it.
        let sts = clients.sts().clone();
        shared.caller = shared.run(async move {
            let answer = sts.get_caller_identity().send().await.ok()?;
            answer.arn().map(String::from)
        })?;
        Ok(S3Backend {
            shared: Arc::new(shared),
        })
    }
}

impl Shared {
    fn check_bucket(&self, url: &str) -> Result<()> {
        let (client, bucket) = (self.client.clone(), self.bucket.clone());
        let url = url.to_string();
        self.run(async move {
            let refused = |why: String| Error::Usage(format!("--state-dir {url}: {why}"));
            if let Err(e) = client.head_bucket().bucket(&bucket).send().await {
                return Err(refused(match status(&e) {
                    Some(404) => format!(
                        "bucket {bucket} does not exist; create it with versioning on: \
                         `aws s3api create-bucket --bucket {bucket}` then `aws s3api \
                         put-bucket-versioning --bucket {bucket} --versioning-configuration \
                         Status=Enabled`"
                    ),
                    Some(403) => format!(
                        "the current credentials may not use bucket {bucket} (403): the store \
                         needs s3:ListBucket on it and s3:GetObject, s3:PutObject and \
                         s3:DeleteObject on its keys"
                    ),
                    _ => format!("cannot reach bucket {bucket}: {}", DisplayErrorContext(&e)),
                }));
            }
            let versioning = client
                .get_bucket_versioning()
                .bucket(&bucket)
                .send()
                .await
                .map_err(|e| {
                    refused(format!(
                        "cannot read bucket {bucket}'s versioning: {}",
                        DisplayErrorContext(&e)
                    ))
                })?;
            if versioning.status() != Some(&BucketVersioningStatus::Enabled) {
                return Err(refused(format!(
                    "bucket {bucket} does not keep versions, so a damaged record could not be \
                     recovered: `aws s3api put-bucket-versioning --bucket {bucket} \
                     --versioning-configuration Status=Enabled`"
                )));
            }
            Ok(())
        })?
    }
}

/// How often a holder refreshes its lock, and how old a heartbeat must be before the lock
/// is reported as stale (`RUNBOOK_LOCK_STALE_SECS` sets it, for tests and slow links).
const HEARTBEAT: Duration = Duration::from_secs(30);
const STALE: Duration = Duration::from_secs(120);

fn stale_after() -> Duration {
    std::env::var("RUNBOOK_LOCK_STALE_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .map_or(STALE, Duration::from_secs)
}

/// The lock object: who holds the run and when it last said it was alive.
#[derive(Serialize, Deserialize)]
struct LockBody {
    holder: String,
    heartbeat: String,
}

fn lock_body(holder: &str) -> Vec<u8> {
    let body = LockBody {
        holder: holder.to_string(),
        heartbeat: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    };
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Who holds the run, for `Error::Locked`: how long ago its heartbeat was and, once that is
/// past the threshold, what to do.
fn describe_holder(id: &str, bytes: &[u8]) -> String {
    let Ok(body) = serde_json::from_slice::<LockBody>(bytes) else {
        return String::from_utf8_lossy(bytes).trim().to_string();
    };
    let age = humantime::parse_rfc3339(&body.heartbeat)
        .ok()
        .and_then(|at| SystemTime::now().duration_since(at).ok())
        .map(|age| Duration::from_secs(age.as_secs()));
    match age {
        Some(age) if age > stale_after() => format!(
            "{}; its heartbeat stopped {} ago, so it has likely gone: once sure, \
             `runbook unlock {id}` lets the run go",
            body.holder,
            output::duration(age)
        ),
        Some(age) => format!("{}; heartbeat {} ago", body.holder, output::duration(age)),
        None => body.holder,
    }
}

struct S3Lease {
    shared: Arc<Shared>,
    key: String,
    heartbeat: Option<JoinHandle<()>>,
}

impl Lease for S3Lease {}

impl S3Lease {
    /// Refreshes the lock every `HEARTBEAT` while it is still this process's (its ETag
    /// matches): once `unlock` has let the run go, the heartbeat stops.
    fn beat(shared: &Shared, key: &str, holder: String, etag: String) -> Option<JoinHandle<()>> {
        let (client, bucket) = (shared.client.clone(), shared.bucket.clone());
        let (key, kms) = (key.to_string(), shared.kms_key.clone());
        let mut etag = etag;
        Some(shared.runtime.as_ref()?.spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                let put = put_request(&client, bucket.as_str(), &kms, key.as_str())
                    .if_match(&etag)
                    .body(ByteStream::from(lock_body(&holder)))
                    .send()
                    .await;
                match put {
                    Ok(answer) => match answer.e_tag() {
                        Some(tag) => etag = tag.to_string(),
                        None => return,
                    },
                    Err(e) if matches!(status(&e), Some(412 | 404)) => return,
                    // A failed beat is tried again at the next one.
                    Err(_) => {}
                }
            }
        }))
    }
}

impl Drop for S3Lease {
    fn drop(&mut self) {
        if let Some(beat) = self.heartbeat.take() {
            beat.abort();
        }
        // A lock left behind (the delete failed, or the process was killed) names its
        // holder to whoever comes next, and its heartbeat ages.
        let _ = self.shared.delete(&self.key);
    }
}

impl Backend for S3Backend {
    fn location(&self) -> String {
        self.shared.url(&self.shared.prefix)
    }

    fn who(&self) -> String {
        match &self.shared.caller {
            Some(arn) => format!("{arn} ({})", super::who()),
            None => super::who(),
        }
    }

    fn run_ids(&self) -> Result<Vec<String>> {
        let runs = format!("{}runs/", self.shared.prefix);
        let mut ids: Vec<String> = self
            .shared
            .list(&runs, true)?
            .iter()
            .filter_map(|key| key.strip_prefix(&runs)?.strip_suffix(".json"))
            .map(String::from)
            .collect();
        ids.sort();
        Ok(ids)
    }

    fn create_run(&self, stem: &str, command: &str) -> Result<(String, Box<dyn Lease>)> {
        let mut n = highest_number(&self.run_ids()?, stem);
        loop {
            n += 1;
            let id = format!("{stem}-{n}");
            // Taking a new id's lock claims the id: a concurrent `exec` moves on.
            match self.lock(&id, command) {
                Ok(lease) => return Ok((id, lease)),
                Err(Error::Locked { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn read_meta(&self, id: &str) -> Result<Option<(String, PathBuf)>> {
        let key = self.shared.meta_key(id);
        Ok(self.shared.get(&key)?.map(|bytes| {
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                PathBuf::from(self.shared.url(&key)),
            )
        }))
    }

    fn write_meta(&self, id: &str, text: &str) -> Result<()> {
        self.shared
            .put(&self.shared.meta_key(id), text.as_bytes().to_vec())
    }

    /// Objects are written whole, so there is no torn tail: a record that does not decode,
    /// or a gap in the numbers, is damage.
    fn read_records(&self, id: &str) -> Result<(Vec<Record>, Option<TornTail>)> {
        let under = format!("{}records/", self.shared.run_prefix(id));
        let mut records: Vec<Record> = Vec::new();
        for (n, key) in self.shared.list(&under, false)?.iter().enumerate() {
            let damaged = |reason: String| Error::Damaged {
                path: PathBuf::from(self.shared.url(key)),
                line: n + 1,
                reason,
            };
            let cached = self
                .shared
                .records
                .lock()
                .ok()
                .and_then(|c| c.get(key).cloned());
            let bytes = match cached {
                Some(bytes) => bytes,
                None => {
                    let bytes = self
                        .shared
                        .get(key)?
                        .ok_or_else(|| damaged("listed, then gone".into()))?;
                    if let Ok(mut cache) = self.shared.records.lock() {
                        cache.insert(key.clone(), bytes.clone());
                    }
                    bytes
                }
            };
            let record = std::str::from_utf8(&bytes)
                .map_err(|_| "not UTF-8".to_string())
                .and_then(|text| decode(text.trim_end()))
                .map_err(damaged)?;
            let expected = records.last().map_or(1, |r| r.seq + 1);
            if record.seq != expected {
                return Err(damaged(format!(
                    "sequence number {} where {expected} was expected",
                    record.seq
                )));
            }
            records.push(record);
        }
        Ok((records, None))
    }

    fn lock(&self, id: &str, command: &str) -> Result<Box<dyn Lease>> {
        let key = self.shared.lock_key(id);
        let holder = match &self.shared.caller {
            Some(arn) => format!("{} as {arn}", super::holder(command)),
            None => super::holder(command),
        };
        let body = lock_body(&holder);
        let etag = match self.shared.create(&key, body.clone())? {
            Some(etag) => etag,
            None => match self.shared.fetch(&key)? {
                // Taken by this very write, when an earlier attempt's answer was lost.
                Some((there, etag)) if there == body => etag,
                there => {
                    let holder = there.map_or_else(
                        || "a process that has just let it go".into(),
                        |(bytes, _)| describe_holder(id, &bytes),
                    );
                    return Err(Error::Locked {
                        run: id.to_string(),
                        holder,
                    });
                }
            },
        };
        let heartbeat = etag.and_then(|etag| S3Lease::beat(&self.shared, &key, holder, etag));
        Ok(Box::new(S3Lease {
            shared: self.shared.clone(),
            key,
            heartbeat,
        }))
    }

    fn is_locked(&self, id: &str) -> bool {
        self.shared
            .exists(&self.shared.lock_key(id))
            .unwrap_or(false)
    }

    fn holder(&self, id: &str) -> Result<Option<String>> {
        let lock = self.shared.get(&self.shared.lock_key(id))?;
        Ok(lock.map(|bytes| describe_holder(id, &bytes)))
    }

    fn unlock(&self, id: &str) -> Result<()> {
        self.shared.delete(&self.shared.lock_key(id))
    }

    fn appender(&self, id: &str, _torn: Option<&TornTail>) -> Result<Box<dyn Appender>> {
        Ok(Box::new(S3Appender {
            shared: self.shared.clone(),
            id: id.to_string(),
            in_flight: None,
        }))
    }

    fn remove(&self, id: &str, lease: Box<dyn Lease>) -> Result<()> {
        // The metadata goes first, so a crash part-way leaves no half-run that `runs` lists.
        self.shared.delete(&self.shared.meta_key(id))?;
        let under = format!("{}records/", self.shared.run_prefix(id));
        for key in self.shared.list(&under, false)? {
            self.shared.delete(&key)?;
        }
        drop(lease);
        Ok(())
    }
}

struct S3Appender {
    shared: Arc<Shared>,
    id: String,
    /// The last record written without waiting for it. At most one is in flight, so a
    /// crash can lose only the newest record (one that need not be durable), never leave a
    /// gap.
    in_flight: Option<mpsc::Receiver<Result<()>>>,
}

impl S3Appender {
    /// Waits for the record in flight, if any: how it went.
    fn settle(&mut self) -> Result<()> {
        match self.in_flight.take() {
            Some(answer) => answer
                .recv()
                .unwrap_or_else(|_| Err(lost("a record was lost"))),
            None => Ok(()),
        }
    }
}

impl Appender for S3Appender {
    /// A durable record is acknowledged by S3 before this returns; another is written while
    /// the run goes on (its step's calls overlap it), and waited for before the next one.
    fn append(&mut self, seq: u64, line: &str, durable: bool) -> Result<()> {
        self.settle()?;
        let key = self.shared.record_key(&self.id, seq);
        let call = write_record(
            self.shared.client.clone(),
            self.shared.bucket.clone(),
            self.shared.kms_key.clone(),
            self.shared.url(&key),
            key,
            line.as_bytes().to_vec(),
        );
        if durable {
            self.shared.run(call)?
        } else {
            self.in_flight = Some(self.shared.spawn(call)?);
            Ok(())
        }
    }

    fn location(&self) -> String {
        self.shared
            .url(&format!("{}records/", self.shared.run_prefix(&self.id)))
    }
}

impl Drop for S3Appender {
    fn drop(&mut self) {
        // Losing a record that need not be durable only means its step runs again.
        let _ = self.settle();
    }
}

/// Creates a record's object. When its number is taken, the bytes there say by whom: these
/// very bytes when an earlier attempt landed but its answer was lost (the SDK retried),
/// else another writer, which the run's lock should have stopped.
async fn write_record(
    client: Client,
    bucket: String,
    kms: Option<String>,
    url: String,
    key: String,
    body: Vec<u8>,
) -> Result<()> {
    let put = put_request(&client, bucket.as_str(), &kms, key.as_str())
        .if_none_match("*")
        .body(ByteStream::from(body.clone()))
        .send()
        .await;
    match put {
        Ok(_) => return Ok(()),
        Err(e) if matches!(status(&e), Some(412 | 409)) => {}
        Err(e) => return Err(failure(format!("cannot write {url}"), e)),
    }
    let there = client
        .get_object()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .map_err(|e| failure(format!("cannot read {url}"), e))?;
    let there = there.body.collect().await.map_err(|e| {
        Error::state(
            format!("cannot read {url}"),
            std::io::Error::other(e.to_string()),
        )
    })?;
    if there.to_vec() == body {
        Ok(())
    } else {
        Err(Error::state(
            format!("cannot write {url}"),
            std::io::Error::other("another process wrote this record: the run's lock was lost"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn a_store_url_names_a_bucket_and_an_optional_prefix() {
        let parsed = |url| parse_url(url).map(|(b, p)| format!("{b}|{p}"));
        assert_eq!(parsed("s3://team/runbook"), Some("team|runbook/".into()));
        assert_eq!(parsed("s3://team/a/b/"), Some("team|a/b/".into()));
        assert_eq!(parsed("s3://team"), Some("team|".into()));
        assert_eq!(parsed("s3://"), None);
        assert_eq!(parsed("./.runbook"), None);
    }
}
