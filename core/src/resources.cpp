#include "emoscope/resources.hpp"

#include <cstdlib>
#include <filesystem>

namespace emoscope {
namespace fs = std::filesystem;
namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

Error resource_error(const std::string& what) { return {ErrorCode::kModel, what}; }

}  // namespace

std::string executable_path() {
  std::error_code ec;
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

Result<std::string> data_dir() {
  if (const char* dir = env("EMOSCOPE_DATA_DIR")) return std::string(dir);
  const std::string exe = executable_path();
  if (exe.empty()) {
    return resource_error("cannot find Emoscope's data folder: the running executable's path is unknown "
                          "(/proc/self/exe); set EMOSCOPE_DATA_DIR to the folder holding models/ and detectors/");
  }
  const fs::path bin = fs::path(exe).parent_path();
  std::error_code ec;
  for (const fs::path& above : {bin.parent_path(), bin.parent_path().parent_path()}) {
    const fs::path root = above / "share" / "emoscope";
    if (fs::is_directory(root, ec)) return root.string();
  }
  return resource_error("cannot find Emoscope's data folder: no share/emoscope one or two levels above " +
                        bin.string() + " (the executable's folder); set EMOSCOPE_DATA_DIR to the folder holding "
                        "models/ and detectors/");
}

Result<std::string> shipped_file(const std::string& folder, const std::string& file) {
  Result<std::string> root = data_dir();
  if (!root) return root.error();
  const fs::path path = fs::path(root.value()) / folder / file;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    const std::string from = env("EMOSCOPE_DATA_DIR") ? "$EMOSCOPE_DATA_DIR" : "the data folder beside the executable";
    return resource_error("shipped file '" + path.string() + "' not found (" + from + " is " + root.value() + ")");
  }
  return path.string();
}

Result<std::string> default_model_path() {
  if (const char* model = env("EMOSCOPE_MODEL")) return std::string(model);
  Result<std::string> path = shipped_file("models", kDefaultModelFile);
  if (!path) return Error{path.error().code, "default emotion model: " + path.error().message, Setting::kModelFile};
  return path;
}

Result<std::string> default_embedder_path() {
  Result<std::string> path = shipped_file("models", kEmbedderModelFile);
  if (!path) return Error{path.error().code, "default face embedder: " + path.error().message, Setting::kEmbedderFile};
  return path;
}

std::string default_people_gallery_path() {
  if (const char* data = env("XDG_DATA_HOME")) return std::string(data) + "/emoscope/people.json";
  const char* home = env("HOME");
  return std::string(home ? home : ".") + "/.local/share/emoscope/people.json";
}

Result<std::string> default_yunet_model_path() {
  Result<std::string> path = shipped_file("detectors", kYuNetModelFile);
  if (!path)
    return Error{path.error().code, "default YuNet face detector: " + path.error().message, Setting::kDetectorModelFile};
  return path;
}

}  // namespace emoscope
