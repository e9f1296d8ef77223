// batch.hpp: the inputs (folders walked, lists read, keys) and shards.
#include "emoscope/batch.hpp"

#include <algorithm>
#include <map>

#include "emoscope/file_checks.hpp"
#include "batch_files.hpp"

namespace emoscope {
using namespace batch_files;

// ---- inputs ---------------------------------------------------------------

Result<std::vector<BatchInput>> collect_batch_inputs(const std::vector<std::string>& args,
                                                     const std::string& list_file, const std::string& out_dir) {
  struct Found {
    std::string path;
    fs::path rel;  // relative to its folder, with extension
  };
  std::vector<Found> found;
  std::error_code ec;
  auto add_folder = [&](const std::string& folder) {
    for (const std::string& f : find_media(folder)) found.push_back({f, fs::path(f).lexically_relative(folder)});
  };
  for (const std::string& a : args) {
    if (fs::is_directory(a, ec)) {
      add_folder(a);
    } else {
      found.push_back({a, fs::path(a).filename()});
    }
  }
  if (!list_file.empty()) {
    std::ifstream in(list_file);
    if (!in) return Error{ErrorCode::kInputUnreadable, "cannot read the list '" + list_file + "': " + std::strerror(errno)};
    std::vector<std::string> files;
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      const auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      line = line.substr(first);
      if (fs::is_directory(line, ec)) {
        add_folder(line);
      } else {
        files.push_back(line);
      }
    }
    // Keys relative to the folder the listed files share.
    fs::path common;
    for (const std::string& f : files) {
      const fs::path parent = fs::absolute(f, ec).lexically_normal().parent_path();
      if (common.empty()) {
        common = parent;
        continue;
      }
      fs::path shared;
      for (auto a = common.begin(), b = parent.begin(); a != common.end() && b != parent.end() && *a == *b; ++a, ++b)
        shared /= *a;
      common = shared;
    }
    for (const std::string& f : files)
      found.push_back({f, fs::absolute(f, ec).lexically_normal().lexically_relative(common)});
  }
  if (found.empty()) return usage("no inputs: no video, image, folder or list of them was named");

  // Results are not inputs: leave out whatever lies under the output folder.
  const fs::path out = fs::weakly_canonical(out_dir, ec);
  found.erase(std::remove_if(found.begin(), found.end(),
                             [&](const Found& f) {
                               const fs::path p = fs::weakly_canonical(f.path, ec);
                               const auto rel = p.lexically_relative(out);
                               return !ec && !rel.empty() && *rel.begin() != "..";
                             }),
              found.end());

  // Keys: the relative path minus its extension; clashing ones keep it.
  std::map<std::string, int> uses;
  for (const Found& f : found) ++uses[without_extension(f.rel)];
  std::vector<BatchInput> inputs;
  std::map<std::string, std::string> by_key;
  for (const Found& f : found) {
    std::string key = without_extension(f.rel);
    if (uses[key] > 1) key = f.rel.generic_string();
    if (key.empty() || key.find("..") == 0 || key.front() == '/')
      return usage("input '" + f.path + "' has no place under the output folder");
    auto [it, fresh] = by_key.emplace(key, f.path);
    if (!fresh) {
      if (it->second == f.path) continue;  // the same file named twice
      return usage("inputs '" + it->second + "' and '" + f.path + "' would both write to '" + key +
                   "': give them from different folders, or rename one");
    }
    inputs.push_back({f.path, key});
  }
  std::sort(inputs.begin(), inputs.end(), [](const BatchInput& a, const BatchInput& b) { return a.key < b.key; });
  return inputs;
}

// ---- shards ---------------------------------------------------------------

std::string Shard::tag() const { return std::to_string(index) + "of" + std::to_string(count); }

std::vector<BatchInput> shard_inputs(const std::vector<BatchInput>& inputs, const Shard& shard) {
  std::vector<BatchInput> mine;
  for (std::size_t p = 0; p < inputs.size(); ++p)
    if (static_cast<int>(p % static_cast<std::size_t>(shard.count)) == shard.index) mine.push_back(inputs[p]);
  return mine;
}

}  // namespace emoscope
