// Anchors the switchyard_tui library so it links before the console's own files exist.
namespace switchyard::tui {
const char* ConsoleLibraryName() { return "switchyard_tui"; }
}  // namespace switchyard::tui
