#include "emoscope/ui/person_names.hpp"

#include "emoscope/ui/convert.hpp"

namespace emoscope::ui {

int face_key(const TrackedFace& face, const People* people) {
  if (face.person_id <= 0) return -face.id;
  return people ? people->canonical(face.person_id) : face.person_id;
}

QString key_name(int key, const People* people, const std::string& carried) {
  if (key <= 0) return QString("#%1").arg(-key);
  const std::string name = people ? people->name(key) : carried;
  return name.empty() ? QString("P%1").arg(key) : qstr(name);
}

}  // namespace emoscope::ui
