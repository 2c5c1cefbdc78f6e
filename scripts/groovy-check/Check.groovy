/*
 * Conformance oracle for cilint's Groovy parser: compiles each file named on the command line to the
 * CONVERSION phase (parse + AST build, no class resolution, so Jenkins steps and shared-library classes
 * need not exist) and prints one JSON line per file, in argument order:
 *   {"file":"…","ok":true}
 *   {"file":"…","ok":false,"line":3,"column":5,"message":"…"}
 * One JVM checks every file, since the JVM start dominates the run time.
 */
import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.messages.ExceptionMessage
import org.codehaus.groovy.control.messages.SyntaxErrorMessage
import org.codehaus.groovy.syntax.SyntaxException

Map check(String path) {
    def config = new CompilerConfiguration()
    config.sourceEncoding = 'UTF-8'
    def unit = new CompilationUnit(config)
    // Jenkinsfiles have no .groovy extension; name the source explicitly so any file name works.
    unit.addSource(path, new File(path).getText('UTF-8'))
    try {
        unit.compile(Phases.CONVERSION)
        return [file: path, ok: true]
    } catch (MultipleCompilationErrorsException e) {
        def first = e.errorCollector.errors ? e.errorCollector.errors[0] : null
        if (first instanceof SyntaxErrorMessage) {
            SyntaxException cause = first.cause
            return [file: path, ok: false, line: cause.line, column: cause.startColumn,
                    message: cause.originalMessage]
        }
        // Errors outside the grammar (a malformed unicode escape, found by the reader) carry their position in the text.
        def message = first instanceof ExceptionMessage ? first.cause.message : e.message
        def position = message =~ /line: (\d+) col:(\d+)/
        def line = position.find() ? position.group(1) as int : null
        def column = line != null ? position.group(2) as int : null
        return [file: path, ok: false, line: line, column: column, message: message]
    }
}

for (String path : args) {
    def result
    try {
        result = check(path)
    } catch (Throwable t) {
        result = [file: path, ok: false, line: null, column: null, message: t.toString()]
    }
    println JsonOutput.toJson(result)
}
