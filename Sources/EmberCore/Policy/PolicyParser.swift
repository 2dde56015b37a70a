/// Parses oslo.policy check strings into ``PolicyCheck``s.
///
/// Tokens are separated by whitespace; leading `(` and trailing `)` split off a token, and
/// `and`, `or`, `not` are keywords in any case. `not` binds tightest, then `and`, then `or`.
/// As in oslo.policy, a string that does not parse is a check that never passes (the error is
/// reported through ``parse(_:)``'s `problem`), a token without `:` is never true, and so are
/// `http:`/`https:` checks, which call a remote server Ember does not call.
public enum PolicyParser {
    /// The parsed check, or `.never` and a description of what is wrong.
    public static func parse(_ text: String) -> (check: PolicyCheck, problem: String?) {
        let tokens = tokenize(text)
        if tokens.isEmpty { return (.always, nil) }
        var parser = Parser(tokens: tokens[...])
        do throws(ParseFailure) {
            let check = try parser.expression()
            if let extra = parser.tokens.first {
                throw ParseFailure(message: "unexpected '\(extra.text)'")
            }
            return (check, nil)
        } catch {
            return (.never, "cannot parse policy rule '\(text)': \(error.message)")
        }
    }

    /// The parsed check; a rule that does not parse never passes.
    public static func check(_ text: String) -> PolicyCheck {
        parse(text).check
    }

    enum Token: Equatable {
        case open, close, and, or, not
        case string(String)
        case check(PolicyCheck)

        var text: String {
            switch self {
            case .open: "("
            case .close: ")"
            case .and: "and"
            case .or: "or"
            case .not: "not"
            case .string(let text): "'\(text)'"
            case .check(let check): check.description
            }
        }
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            var token = Substring(word)
            while token.first == "(" {
                tokens.append(.open)
                token.removeFirst()
            }
            if token.isEmpty { continue }
            var trailing = 0
            while token.last == ")" {
                trailing += 1
                token.removeLast()
            }
            switch token.lowercased() {
            case "and": tokens.append(.and)
            case "or": tokens.append(.or)
            case "not": tokens.append(.not)
            case "": break
            default:
                if token.count >= 2, let first = token.first, first == "'" || first == "\"", token.last == first {
                    tokens.append(.string(String(token.dropFirst().dropLast())))
                } else {
                    tokens.append(.check(singleCheck(String(token))))
                }
            }
            tokens += Array(repeating: .close, count: trailing)
        }
        return tokens
    }

    static func singleCheck(_ text: String) -> PolicyCheck {
        if text == "@" { return .always }
        if text == "!" { return .never }
        guard let colon = text.firstIndex(of: ":") else { return .never }
        let kind = String(text[..<colon])
        let match = String(text[text.index(after: colon)...])
        switch kind {
        case "rule": return .rule(match)
        case "role": return .role(match)
        case "http", "https": return .never
        default: return .generic(kind: kind, match: match)
        }
    }

    struct ParseFailure: Error {
        var message: String
    }

    /// The deepest nesting of parentheses and `not`s a rule may have: real rules nest a few
    /// levels; a deeper one (found by `scripts/fuzz policy`: 200,000 `(`) would overflow the
    /// stack of the recursive parser and of the check's evaluation.
    static let maximumDepth = 64

    struct Parser {
        var tokens: ArraySlice<Token>
        var depth = 0

        mutating func nested<T>(_ body: (inout Parser) throws(ParseFailure) -> T) throws(ParseFailure) -> T {
            guard depth < PolicyParser.maximumDepth else {
                throw ParseFailure(message: "nested deeper than \(PolicyParser.maximumDepth) levels")
            }
            depth += 1
            defer { depth -= 1 }
            return try body(&self)
        }

        mutating func expression() throws(ParseFailure) -> PolicyCheck {
            var terms = [try conjunction()]
            while tokens.first == .or {
                tokens.removeFirst()
                terms.append(try conjunction())
            }
            return terms.count == 1 ? terms[0] : .or(terms)
        }

        mutating func conjunction() throws(ParseFailure) -> PolicyCheck {
            var terms = [try unary()]
            while tokens.first == .and {
                tokens.removeFirst()
                terms.append(try unary())
            }
            return terms.count == 1 ? terms[0] : .and(terms)
        }

        mutating func unary() throws(ParseFailure) -> PolicyCheck {
            guard let token = tokens.popFirst() else { throw ParseFailure(message: "unexpected end of rule") }
            switch token {
            case .not:
                return .not(try nested { parser throws(ParseFailure) in try parser.unary() })
            case .open:
                let inner = try nested { parser throws(ParseFailure) in try parser.expression() }
                guard tokens.popFirst() == .close else { throw ParseFailure(message: "missing ')'") }
                return inner
            case .check(let check):
                return check
            default:
                throw ParseFailure(message: "unexpected '\(token.text)'")
            }
        }
    }
}
