//! Where the cursor is, read from the input before it: a word being typed (a module, a
//! function, a variable), a member name at a key of the map given to a binding, or a value
//! inside a string given to a member. Completion and hints both start here.

use super::lex::{lex, Kind, Token};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A meta-command being typed: `:he`.
    Meta {
        start: usize,
        prefix: String,
    },
    /// An identifier or path: `ec`, `ecr::cre`, `my_va`.
    Word {
        start: usize,
        prefix: String,
    },
    /// A key of a map given to `function` (`ecr::create_repository`); `path` names the
    /// members above it (`["containerDefinitions"]` inside a container definition); `given`
    /// holds the keys this map already has.
    Member {
        start: usize,
        prefix: String,
        function: String,
        path: Vec<String>,
        given: Vec<String>,
    },
    /// Inside a string given to `member` of the map given to `function`.
    Value {
        start: usize,
        prefix: String,
        function: String,
        member: String,
    },
    /// Right after `function(`: where the signature is worth showing.
    CallOpen {
        function: String,
    },
    Nothing,
}

/// An open bracket on the way to the cursor.
#[derive(Debug, Default)]
struct Frame {
    kind: Option<Kind>,
    /// For `(`: the function called.
    call: Option<String>,
    /// For `(`: how many arguments came before the current one.
    argument: usize,
    /// For a map: the key whose value is being written, and the keys seen.
    key: Option<String>,
    keys: Vec<String>,
}

pub fn at(text: &str, pos: usize) -> Place {
    let before = &text[..pos];
    let trimmed = before.trim_start();
    if let Some(meta) = trimmed.strip_prefix(':') {
        if !meta.contains(char::is_whitespace) {
            return Place::Meta {
                start: pos - meta.len(),
                prefix: meta.to_string(),
            };
        }
        // `:help ecr::cre` completes a function name.
        let word_start = before
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |i| i + 1);
        return Place::Word {
            start: word_start,
            prefix: before[word_start..].to_string(),
        };
    }
    let mut tokens = lex(before);
    let last = tokens.last().cloned();
    // The partial word or string under the cursor is what completes; the frames come from
    // the tokens before it.
    let partial =
        last.filter(|t| t.end == pos && matches!(t.kind, Kind::Word | Kind::Str { closed: false }));
    if partial.is_some() {
        tokens.pop();
    }
    let frames = frames(before, &tokens);
    let innermost = frames.last();
    let previous = tokens.last();

    match partial {
        Some(Token {
            kind: Kind::Str { .. },
            start,
            ..
        }) => {
            // In a map value, or in a list that is a map value: `repositoryNames: ["`.
            let mut map = frames.iter().rev();
            let mut frame = map.next();
            if frame.is_some_and(|f| f.kind == Some(Kind::Open('['))) {
                frame = map.next();
            }
            let function = call_of(&frames);
            match (frame, function) {
                (
                    Some(Frame {
                        kind: Some(Kind::MapOpen),
                        key: Some(member),
                        ..
                    }),
                    Some((function, _)),
                ) => Place::Value {
                    start: start + 1,
                    prefix: before[start + 1..].to_string(),
                    function,
                    member: member.clone(),
                },
                _ => Place::Nothing,
            }
        }
        _ => {
            let (start, prefix) = partial.map_or((pos, String::new()), |t| {
                (t.start, before[t.start..].to_string())
            });
            let at_key = innermost.is_some_and(|f| f.kind == Some(Kind::MapOpen))
                && previous.is_some_and(|t| t.kind == Kind::MapOpen || t.kind == Kind::Punct(','));
            if at_key {
                if let Some((function, path)) = call_of(&frames) {
                    return Place::Member {
                        start,
                        prefix,
                        function,
                        path,
                        given: innermost.map(|f| f.keys.clone()).unwrap_or_default(),
                    };
                }
            }
            if prefix.is_empty() {
                if let (
                    Some(frame),
                    Some(Token {
                        kind: Kind::Open('('),
                        end,
                        ..
                    }),
                ) = (innermost, previous)
                {
                    if let (Some(function), true) = (&frame.call, *end == pos) {
                        return Place::CallOpen {
                            function: function.clone(),
                        };
                    }
                }
                return Place::Nothing;
            }
            Place::Word { start, prefix }
        }
    }
}

/// The open brackets after reading `tokens`, outermost first.
fn frames(text: &str, tokens: &[Token]) -> Vec<Frame> {
    let mut frames: Vec<Frame> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match &token.kind {
            Kind::Open(_) | Kind::MapOpen => {
                let call = match (&token.kind, i.checked_sub(1).map(|p| &tokens[p])) {
                    (Kind::Open('('), Some(prev)) if prev.kind == Kind::Word => {
                        Some(prev.text(text).to_string())
                    }
                    _ => None,
                };
                frames.push(Frame {
                    kind: Some(token.kind.clone()),
                    call,
                    ..Frame::default()
                });
            }
            Kind::Close(_) => {
                frames.pop();
            }
            Kind::Punct(',') => {
                if let Some(frame) = frames.last_mut() {
                    frame.argument += 1;
                    frame.key = None;
                }
            }
            Kind::Punct(':') => {
                let key = i.checked_sub(1).map(|p| &tokens[p]);
                if let (Some(frame), Some(key)) = (frames.last_mut(), key) {
                    if frame.kind == Some(Kind::MapOpen) {
                        let name = key.text(text).trim_matches('"').to_string();
                        frame.keys.push(name.clone());
                        frame.key = Some(name);
                    }
                }
            }
            _ => {}
        }
    }
    frames
}

/// The binding whose first argument holds the innermost map, with the member names on the
/// way down to it. Lists are transparent; a block or a call in between ends the search.
fn call_of(frames: &[Frame]) -> Option<(String, Vec<String>)> {
    let mut path = Vec::new();
    let mut child = None;
    for frame in frames.iter().rev() {
        match &frame.kind {
            Some(Kind::MapOpen) => {
                // The innermost map's key is where the cursor is, not a step on the way.
                if child.is_some() {
                    path.extend(frame.key.clone());
                }
            }
            Some(Kind::Open('[')) => {}
            Some(Kind::Open('(')) => {
                let call = frame.call.as_ref()?;
                if frame.argument != 0 || !call.contains("::") || child != Some(Kind::MapOpen) {
                    return None;
                }
                path.reverse();
                return Some((call.clone(), path));
            }
            _ => return None,
        }
        child = frame.kind.clone();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{at, Place};

    fn place(text: &str) -> Place {
        at(text, text.len())
    }

    #[test]
    fn words_and_meta_commands() {
        assert_eq!(
            place("let x = ec"),
            Place::Word {
                start: 8,
                prefix: "ec".into()
            }
        );
        assert_eq!(
            place("ecr::cre"),
            Place::Word {
                start: 0,
                prefix: "ecr::cre".into()
            }
        );
        assert_eq!(
            place(":he"),
            Place::Meta {
                start: 1,
                prefix: "he".into()
            }
        );
        assert_eq!(
            place(":help ecr::de"),
            Place::Word {
                start: 6,
                prefix: "ecr::de".into()
            }
        );
    }

    #[test]
    fn members_of_the_map_given_to_a_binding() {
        assert_eq!(
            place("ecr::create_repository(#{ repositoryName: \"a\", ima"),
            Place::Member {
                start: 47,
                prefix: "ima".into(),
                function: "ecr::create_repository".into(),
                path: vec![],
                given: vec!["repositoryName".into()],
            }
        );
        assert_eq!(
            place("ecs::register_task_definition(#{ family: \"f\", containerDefinitions: [#{ "),
            Place::Member {
                start: 72,
                prefix: "".into(),
                function: "ecs::register_task_definition".into(),
                path: vec!["containerDefinitions".into()],
                given: vec![],
            }
        );
        assert_eq!(
            place(
                "ecs::register_task_definition(#{ containerDefinitions: [#{ portMappings: [#{ cont"
            ),
            Place::Member {
                start: 77,
                prefix: "cont".into(),
                function: "ecs::register_task_definition".into(),
                path: vec!["containerDefinitions".into(), "portMappings".into()],
                given: vec![],
            }
        );
        // A map that is not a binding's input has no members to offer.
        assert_eq!(
            place("let m = #{ a"),
            Place::Word {
                start: 11,
                prefix: "a".into()
            }
        );
    }

    #[test]
    fn values_inside_strings() {
        assert_eq!(
            place("ecr::describe_images(#{ repositoryName: \"exa"),
            Place::Value {
                start: 41,
                prefix: "exa".into(),
                function: "ecr::describe_images".into(),
                member: "repositoryName".into(),
            }
        );
        assert_eq!(
            place("ecr::describe_repositories(#{ repositoryNames: [\"a\", \""),
            Place::Value {
                start: 54,
                prefix: "".into(),
                function: "ecr::describe_repositories".into(),
                member: "repositoryNames".into(),
            }
        );
    }

    #[test]
    fn right_after_the_open_paren_of_a_call() {
        assert_eq!(
            place("ecr::create_repository("),
            Place::CallOpen {
                function: "ecr::create_repository".into()
            }
        );
    }
}
