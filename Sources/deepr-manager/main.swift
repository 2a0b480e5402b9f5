import DeeprKit
import Foundation

exit(DeeprManager.main(Array(CommandLine.arguments.dropFirst())))
