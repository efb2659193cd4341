//! A forgiving lexer for REPL input: enough of Rhai's tokens to tell where the cursor is (in
//! a string, at a map key, after `module::`) and where a statement's last token ends, which
//! Rhai's parser does not record. It never fails: an unterminated string or comment runs to
//! the end, and Rhai's own parser stays the judge of what is valid.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or a path (`ecr::create_repository`, or `ecr::` while typing).
    Word,
    Number,
    /// A string, a backtick string or a character; `closed` is false when input ends inside.
    Str {
        closed: bool,
    },
    /// `#{`, which opens a map literal.
    MapOpen,
    Open(char),
    Close(char),
    Punct(char),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        let start = i;
        let kind = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '/' if at(i + 1) == Some('/') => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
                continue;
            }
            '/' if at(i + 1) == Some('*') => {
                // Rhai's block comments nest.
                let mut depth = 0;
                while let Some(c) = at(i) {
                    if c == '/' && at(i + 1) == Some('*') {
                        depth += 1;
                        i += 2;
                    } else if c == '*' && at(i + 1) == Some('/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            '"' | '`' | '\'' => {
                i += 1;
                let mut closed = false;
                while let Some(d) = at(i) {
                    i += 1;
                    if d == '\\' && c != '`' {
                        i += 1;
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                Kind::Str { closed }
            }
            '#' if at(i + 1) == Some('{') => {
                i += 2;
                Kind::MapOpen
            }
            '(' | '[' | '{' => {
                i += 1;
                Kind::Open(c)
            }
            ')' | ']' | '}' => {
                i += 1;
                Kind::Close(c)
            }
            c if c.is_ascii_digit() => {
                while at(i).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    i += 1;
                }
                Kind::Number
            }
            c if is_ident_start(c) => {
                loop {
                    while at(i).is_some_and(is_ident) {
                        i += 1;
                    }
                    // `a::b`, and a trailing `a::` while the user is typing the function.
                    if at(i) == Some(':') && at(i + 1) == Some(':') {
                        i += 2;
                        if at(i).is_some_and(is_ident_start) {
                            continue;
                        }
                    }
                    break;
                }
                Kind::Word
            }
            c => {
                i += 1;
                Kind::Punct(c)
            }
        };
        tokens.push(Token {
            kind,
            start: offset(start),
            end: offset(i),
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::{lex, Kind};

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        lex(text)
            .into_iter()
            .map(|t| (t.kind.clone(), &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn words_paths_maps_and_strings() {
        assert_eq!(
            kinds(r#"ecr::create_repository(#{ repositoryName: "a\"b" }) // c"#),
            vec![
                (Kind::Word, "ecr::create_repository"),
                (Kind::Open('('), "("),
                (Kind::MapOpen, "#{"),
                (Kind::Word, "repositoryName"),
                (Kind::Punct(':'), ":"),
                (Kind::Str { closed: true }, r#""a\"b""#),
                (Kind::Close('}'), "}"),
                (Kind::Close(')'), ")"),
            ]
        );
    }

    #[test]
    fn unfinished_input_still_lexes() {
        assert_eq!(kinds("ecr::"), vec![(Kind::Word, "ecr::")]);
        assert_eq!(
            kinds("f(#{ name: \"ex"),
            vec![
                (Kind::Word, "f"),
                (Kind::Open('('), "("),
                (Kind::MapOpen, "#{"),
                (Kind::Word, "name"),
                (Kind::Punct(':'), ":"),
                (Kind::Str { closed: false }, "\"ex"),
            ]
        );
        assert_eq!(kinds("/* a /* b */ c */ x"), vec![(Kind::Word, "x")]);
        assert_eq!(
            kinds("`a ${b} c`"),
            vec![(Kind::Str { closed: true }, "`a ${b} c`")]
        );
    }
}
