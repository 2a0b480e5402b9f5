import Foundation
import MockServerKit

exit(MockServerCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
