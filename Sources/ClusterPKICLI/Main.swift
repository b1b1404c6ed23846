import ClusterPKICommands

/// The `clusterpki` executable: everything lives in the `ClusterPKICommands` library.
@main
enum Main {
    static func main() async {
        await ClusterPKICommand.main()
    }
}
