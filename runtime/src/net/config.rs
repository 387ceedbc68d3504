//! A worker's configuration file: JSON with `pubsub_url` and `id`, and
//! optionally `device`; other fields are reported, not fatal.

use serde_json::Value;

use super::mqtt;

/// The worker's configuration file (JSON).
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub pubsub_url: String,
    pub id: String,
    /// A free-form description of the machine, shown by `dispatch ls`.
    pub device: Option<String>,
}

impl WorkerConfig {
    /// Parses the file's text; unknown fields are returned as warnings.
    pub fn parse(text: &str) -> anyhow::Result<(WorkerConfig, Vec<String>)> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| anyhow::anyhow!("not valid JSON: {e}"))?;
        let obj = value
            .as_object()
            .ok_or_else(|| anyhow::anyhow!("expected a JSON object"))?;
        let text_field = |name: &str| -> anyhow::Result<Option<String>> {
            match obj.get(name) {
                None => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(_) => anyhow::bail!("\"{name}\" must be a non-empty string"),
            }
        };
        let pubsub_url = text_field("pubsub_url")?
            .ok_or_else(|| anyhow::anyhow!("missing \"pubsub_url\" (e.g. \"mqtt://localhost\")"))?;
        mqtt::parse_url(&pubsub_url)?;
        let id = text_field("id")?
            .ok_or_else(|| anyhow::anyhow!("missing \"id\" (e.g. \"worker-A\")"))?;
        if id.contains(['/', '+', '#']) {
            anyhow::bail!("\"id\" cannot contain '/', '+' or '#'");
        }
        let device = text_field("device")?;
        let warnings = obj
            .keys()
            .filter(|k| !["pubsub_url", "id", "device"].contains(&k.as_str()))
            .map(|k| format!("unknown field \"{k}\" ignored (known: pubsub_url, id, device)"))
            .collect();
        Ok((
            WorkerConfig {
                pubsub_url,
                id,
                device,
            },
            warnings,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_names_its_broker_and_id_and_unknown_fields_are_warnings() {
        let (c, warnings) = WorkerConfig::parse(
            r#"{"pubsub_url": "mqtt://192.168.0.100", "id": "worker-A", "colour": "red"}"#,
        )
        .unwrap();
        assert_eq!(
            (c.pubsub_url.as_str(), c.id.as_str()),
            ("mqtt://192.168.0.100", "worker-A")
        );
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"colour\""));
        let missing = WorkerConfig::parse(r#"{"id": "w"}"#)
            .unwrap_err()
            .to_string();
        assert!(missing.contains("missing \"pubsub_url\""), "{missing}");
        let bad = WorkerConfig::parse(r#"{"pubsub_url": "mqtt://x", "id": "a/b"}"#).unwrap_err();
        assert!(bad.to_string().contains("cannot contain"), "{bad}");
    }
}
