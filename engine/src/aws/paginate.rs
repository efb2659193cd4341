//! Every page of a list: an operation the model gives a paginator is called again with the
//! token of each answer, and the lists of all pages are joined.

use aws_smithy_types::Document;

use super::binding::Binding;
use super::bridge::{Bridge, Failure};
use crate::interrupt::Interrupt;

fn member<'a>(document: &'a Document, name: &str) -> Option<&'a Document> {
    match document {
        Document::Object(object) => object.get(name),
        _ => None,
    }
}

/// Calls `binding`, following page tokens until the last page or `max_pages`.
pub fn call_pages(
    bridge: &Bridge,
    interrupt: &Interrupt,
    binding: &Binding,
    mut input: Document,
    max_pages: Option<usize>,
) -> Result<Document, Failure> {
    let mut result = bridge.call(interrupt, binding, input.clone())?;
    let Some(paginator) = binding.pages else {
        return Ok(result);
    };
    let (input_token, output_token) = (paginator.input_token, paginator.output_token);
    let mut pages = 1;
    while max_pages.is_none_or(|max| pages < max) {
        // IAM says whether more pages follow; the others just omit the token.
        if let Some(more) = paginator.more_results {
            if matches!(member(&result, more), Some(Document::Bool(false))) {
                break;
            }
        }
        let Some(Document::String(next)) = member(&result, output_token).cloned() else {
            break;
        };
        if let Document::Object(object) = &mut input {
            if object.get(input_token) == Some(&Document::String(next.clone())) {
                break; // A server that hands back the same token would loop forever.
            }
            object.insert(input_token.to_string(), Document::String(next));
        }
        let page = bridge.call(interrupt, binding, input.clone())?;
        join(&mut result, page, output_token, paginator.results);
        pages += 1;
    }
    Ok(result)
}

/// Appends the result lists of `page` to those of `result`; everything else takes the page's
/// value.
fn join(result: &mut Document, page: Document, output_token: &str, results: &[&str]) {
    let (Document::Object(result), Document::Object(page)) = (result, page) else {
        return;
    };
    if !page.contains_key(output_token) {
        result.remove(output_token);
    }
    for (key, value) in page {
        match (result.get_mut(&key), value) {
            (Some(Document::Array(items)), Document::Array(more))
                if results.contains(&key.as_str()) =>
            {
                items.extend(more)
            }
            (_, value) => {
                result.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_smithy_types::Document;

    use super::join;

    fn object(pairs: Vec<(&str, Document)>) -> Document {
        Document::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn joins_lists_and_drops_the_spent_token() {
        let mut result = object(vec![
            ("repositories", Document::Array(vec!["a".into()])),
            ("nextToken", "t1".into()),
        ]);
        join(
            &mut result,
            object(vec![("repositories", Document::Array(vec!["b".into()]))]),
            "nextToken",
            &["repositories"],
        );
        assert_eq!(
            result,
            object(vec![(
                "repositories",
                Document::Array(vec!["a".into(), "b".into()])
            )])
        );
    }
}
