import Testing
@Test func serverPlaceholder() {}
