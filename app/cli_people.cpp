// emoscope-cli people add / list / remove: the known-people gallery (people.hpp).
// The gallery holds face descriptors, biometric data: it is written only here,
// on the user's request, into one user-only file on this machine.
#include <filesystem>
#include <iostream>
#include <set>

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "cli_commands.hpp"
#include "emoscope/face_detector.hpp"
#include "emoscope/frame_source.hpp"
#include "emoscope/people.hpp"
#include "emoscope/resources.hpp"

namespace emoscope::cli {
namespace {

namespace fs = std::filesystem;

std::string gallery_path(const PeopleOptions& options) {
  return options.gallery.empty() ? default_people_gallery_path() : options.gallery;
}

Result<std::shared_ptr<FaceEmbedder>> people_embedder(const RunOptions& run) {
  RunOptions with_people = run;
  with_people.identity.enabled = true;
  return load_run_embedder(with_people);
}

// The gallery in the file, or an empty one when the file does not exist yet.
Result<People> open_gallery(const std::string& path, const FaceEmbedder& embedder) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return People(embedder.spec());
  return People::load(path, embedder.spec(), People::max_join_of(embedder.spec()));
}

MaybeError save_gallery(const People& people, const std::string& path, const FaceEmbedder& embedder) {
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return Error{ErrorCode::kOutputNotWritable, "cannot create " + parent.string() + ": " + ec.message()};
    ::chmod(parent.c_str(), 0700);
  }
  return people.save(path, embedder.spec());
}

}  // namespace

int run_people_add(const RunOptions& run, const PeopleOptions& options) {
  const std::string path = gallery_path(options);
  auto embedder = people_embedder(run);
  if (!embedder) return fail(embedder.error());
  auto people = open_gallery(path, **embedder);
  if (!people) return fail(people.error());
  auto detector = create_face_detector(run.detector);
  if (!detector) return fail(detector.error());
  std::vector<Embedding> faces;
  for (const std::string& photo : options.photos) {
    Result<cv::Mat> image = read_image_file(photo);
    if (!image) return fail(image.error());
    const std::vector<Detection> found = detector.value()->detect(image.value());
    if (found.empty()) {
      return fail({ErrorCode::kInputUnreadable, photo + ": no face found; nothing was added"});
    }
    const Detection* largest = &found.front();
    for (const Detection& d : found) {
      if (d.box.area() > largest->box.area()) largest = &d;
    }
    if (found.size() > 1) spdlog::warn("{}: {} faces, using the largest", photo, found.size());
    auto e = embed_faces(**embedder, image.value(), {chip_landmarks(*largest)});
    if (!e) return fail(e.error());
    faces.push_back(e.value().front());
  }
  // Before adding: does a photo look like someone else of the gallery, or unlike this person's other photos?
  int same_name = 0;
  for (const PersonInfo& p : people->list()) same_name = p.name == options.name ? p.id : same_name;
  const std::set<int> self = same_name ? std::set<int>{same_name} : std::set<int>{};
  for (std::size_t i = 0; i < faces.size(); ++i) {
    const auto [other, d] = people->nearest(faces[i], self);
    if (other != 0 && d < (*embedder)->spec().same_person_distance) {  // as sure as a first join
      std::cerr << "warning: " << options.photos[i] << " looks like " << people->name(other) << " (descriptor distance "
                << fmt::format("{:.2f}", d) << "): check that it shows " << options.name << "\n";
    }
    const float own = same_name ? people->distance(same_name, faces[i]) : 0.0f;
    if (own > people->split_threshold()) {
      std::cerr << "warning: " << options.photos[i] << " does not look like " << options.name
                << "'s other photos (descriptor distance " << fmt::format("{:.2f}", own) << ")\n";
    }
  }
  const int id = people->add_named(options.name, faces);
  if (MaybeError s = save_gallery(people.value(), path, **embedder)) return fail(*s);
  int total = 0;
  for (const PersonInfo& p : people->list()) total = p.id == id ? p.exemplars : total;
  std::cout << "added " << options.name << " (" << faces.size() << " photo" << (faces.size() == 1 ? "" : "s")
            << "; " << total << " in all, up to " << People::kMaxExemplars
            << (total == 1 ? ": more photos of them make recognition surer" : "") << ") to " << path << "\n"
            << "This file holds face descriptors (biometric data); it stays on this machine, readable only by you.\n";
  return 0;
}

int run_people_list(const RunOptions& run, const PeopleOptions& options) {
  const std::string path = gallery_path(options);
  auto embedder = people_embedder(run);
  if (!embedder) return fail(embedder.error());
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::cerr << "no gallery at " << path << " yet (emoscope-cli people add NAME PHOTO...)\n";
    return 0;
  }
  auto people = open_gallery(path, **embedder);
  if (!people) return fail(people.error());
  for (const PersonInfo& p : people->list()) std::cout << p.name << "\t" << p.exemplars << " views\n";
  return 0;
}

int run_people_remove(const RunOptions& run, const PeopleOptions& options) {
  const std::string path = gallery_path(options);
  auto embedder = people_embedder(run);
  if (!embedder) return fail(embedder.error());
  std::error_code ec;
  if (!fs::exists(path, ec)) return fail({ErrorCode::kUsage, "no gallery at " + path});
  auto people = open_gallery(path, **embedder);
  if (!people) return fail(people.error());
  if (!people->remove_named(options.name)) {
    return fail({ErrorCode::kUsage, "no person named '" + options.name + "' in " + path});
  }
  if (MaybeError s = save_gallery(people.value(), path, **embedder)) return fail(*s);
  std::cout << "removed " << options.name << " and their face descriptors from " << path << "\n";
  return 0;
}

}  // namespace emoscope::cli
