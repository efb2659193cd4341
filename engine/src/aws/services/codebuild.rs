//! codebuild bindings.

use crate::aws::binding::Binding;

pub fn bindings() -> Vec<Binding> {
    Vec::new()
}
