/// cinder's `extra_specs_ops.match`: compares a capability with an extra spec requirement
/// such as `<is> True`, `>= 10`, `<in> ssd`, `<or> a <or> b`, `s== text` or a plain value.
enum ExtraSpecMatcher {
    static func matches(_ value: String, _ requirement: String) -> Bool {
        let words = requirement.split(separator: " ").map(String.init)
        guard let op = words.first, words.count >= 2 else { return value == requirement }
        let operand = words.dropFirst().joined(separator: " ")
        switch op {
        case "<is>": return value.lowercased() == operand.lowercased()
        case "<in>": return value.contains(operand)
        case "<all-in>": return words.dropFirst().allSatisfy { value.contains($0) }
        case "<or>":
            let choices = requirement.components(separatedBy: "<or>").map { $0.trimmed }.filter { !$0.isEmpty }
            return choices.contains(value)
        case "s==": return value == operand
        case "s!=": return value != operand
        case "s<": return value < operand
        case "s<=": return value <= operand
        case "s>": return value > operand
        case "s>=": return value >= operand
        case "=", "==", "!=", "<", "<=", ">", ">=":
            guard let left = Double(value), let right = Double(operand) else { return false }
            switch op {
            case "=": return left >= right
            case "==": return left == right
            case "!=": return left != right
            case "<": return left < right
            case "<=": return left <= right
            case ">": return left > right
            default: return left >= right
            }
        default: return value == requirement
        }
    }
}

extension String {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
