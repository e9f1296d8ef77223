// How the app groups and names faces on screen (faces panel, timeline): by
// person when identities are on, else by track. With the run's People, the
// person's current name and merges made since a frame was seen apply at once;
// without, the names the frames carry (tracker.hpp display_name). Any thread
// (People is thread-safe).
#pragma once

#include <string>

#include <QString>

#include "emoscope/people.hpp"
#include "emoscope/tracker.hpp"

namespace emoscope::ui {

// The key a face is grouped under: its person's ID (after merges, with
// `people`), or minus its track ID when no person is known for it (never a
// person's key, which is positive).
int face_key(const TrackedFace& face, const People* people);
// What a key is called: the person's name, else "P<id>"; "#<track>" for a
// track's key. `carried`: the name the frame carried (used without `people`).
QString key_name(int key, const People* people, const std::string& carried = {});

}  // namespace emoscope::ui
