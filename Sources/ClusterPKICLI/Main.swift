import ArgumentParser

// LEAD: local registration for the store branch; redo it in your Main.swift on merge.
@main struct Main: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clusterpki", subcommands: [TokenCommand.self])
}
