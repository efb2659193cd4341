//! The names of resources that exist, for completing `repositoryName: "` and the like: ECR
//! and CodeCommit repositories, CodeBuild projects, pipelines and ECS clusters. Each kind is
//! fetched once through the same bindings scripts use and kept for a short while; a
//! mutating input forgets them all, so a repository made a moment ago is offered next.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use aws_smithy_types::Document;

use crate::aws::paginate::call_pages;
use crate::aws::services;
use crate::dsl::runtime::Runtime;

/// How long fetched names are trusted: long enough for a burst of Tab presses.
const FRESH_FOR: Duration = Duration::from_secs(30);
/// A completion never waits longer than this for AWS.
const PATIENCE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    EcrRepository,
    CodeCommitRepository,
    CodeBuildProject,
    Pipeline,
    EcsCluster,
}

impl Kind {
    /// The kind of resource `member` of a `service` call names.
    pub fn of(service: &str, member: &str) -> Option<Kind> {
        match (service, member) {
            ("ecr", "repositoryName" | "repositoryNames") => Some(Kind::EcrRepository),
            ("codecommit", "repositoryName" | "repositoryNames") => {
                Some(Kind::CodeCommitRepository)
            }
            ("codebuild", "projectName" | "names" | "name" | "projects") => {
                Some(Kind::CodeBuildProject)
            }
            ("codepipeline", "name" | "pipelineName") => Some(Kind::Pipeline),
            ("ecs", "cluster" | "clusters") => Some(Kind::EcsCluster),
            _ => None,
        }
    }

    /// The listing binding, the list in its output and the name in each element.
    fn listing(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    ) {
        match self {
            Kind::EcrRepository => (
                "ecr",
                "describe_repositories",
                "repositories",
                Some("repositoryName"),
            ),
            Kind::CodeCommitRepository => (
                "codecommit",
                "list_repositories",
                "repositories",
                Some("repositoryName"),
            ),
            Kind::CodeBuildProject => ("codebuild", "list_projects", "projects", None),
            Kind::Pipeline => ("codepipeline", "list_pipelines", "pipelines", Some("name")),
            Kind::EcsCluster => ("ecs", "list_clusters", "clusterArns", None),
        }
    }
}

pub struct ResourceNames {
    runtime: Rc<Runtime>,
    cache: RefCell<HashMap<Kind, (Instant, Vec<String>)>>,
}

impl ResourceNames {
    pub fn new(runtime: Rc<Runtime>) -> ResourceNames {
        ResourceNames {
            runtime,
            cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn forget(&self) {
        self.cache.borrow_mut().clear();
    }

    /// The names of `kind` that exist, sorted; none when AWS cannot be asked.
    pub fn of(&self, kind: Kind) -> Vec<String> {
        if let Some((at, names)) = self.cache.borrow().get(&kind) {
            if at.elapsed() < FRESH_FOR {
                return names.clone();
            }
        }
        let names = self.fetch(kind);
        self.cache
            .borrow_mut()
            .insert(kind, (Instant::now(), names.clone()));
        names
    }

    fn fetch(&self, kind: Kind) -> Vec<String> {
        let (service, function, list, field) = kind.listing();
        let Some(binding) = services::all()
            .into_iter()
            .find(|b| b.service == service && b.function == function)
        else {
            return Vec::new();
        };
        let rt = &self.runtime;
        rt.interrupt.set_deadline(Some(Instant::now() + PATIENCE));
        let output = call_pages(
            &rt.aws,
            &rt.interrupt,
            &binding,
            Document::Object(HashMap::new()),
            Some(10),
        );
        rt.interrupt.set_deadline(None);
        let Ok(Document::Object(output)) = output else {
            return Vec::new();
        };
        let Some(Document::Array(items)) = output.get(list) else {
            return Vec::new();
        };
        let mut names: Vec<String> = items
            .iter()
            .filter_map(|item| match (item, field) {
                (Document::String(text), None) => Some(text.clone()),
                (Document::Object(object), Some(field)) => match object.get(field) {
                    Some(Document::String(text)) => Some(text.clone()),
                    _ => None,
                },
                _ => None,
            })
            // ECS lists clusters by ARN; calls take the name.
            .map(|name| match name.rsplit_once(":cluster/") {
                Some((_, short)) => short.to_string(),
                None => name,
            })
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default build binds only the core operations: the listings are among them.
    #[test]
    fn every_listing_is_a_core_binding() {
        let kinds = [
            Kind::EcrRepository,
            Kind::CodeCommitRepository,
            Kind::CodeBuildProject,
            Kind::Pipeline,
            Kind::EcsCluster,
        ];
        for kind in kinds {
            let (service, function, _, _) = kind.listing();
            let binding = services::of(service)
                .into_iter()
                .find(|b| b.function == function);
            assert!(binding.is_some_and(|b| b.core), "{service}::{function}");
        }
    }
}
