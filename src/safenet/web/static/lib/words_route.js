// The catalogue's words for the escape route (the reasons beside each camera it may pass
// next, the notice without road data) and the map's credit lines, Korean and English.
// Part of the one catalogue: lib/i18n.js merges these into its WORDS.
export const ROUTE_WORDS = {
  // Escape route words (h18route)
  // The server sends each reason as word codes with parameters (reason_words, notice_word;
  // safenet/tracking/reach.py, docs/tracking.md); lib/route_words.js words them here.
  // Numbers and units, as safenet/tracking/wording.py writes them.
  'rw.m': ['{n} m', '{n} m'],
  'rw.km': ['{n} km', '{n} km'],
  'rw.s': ['{n}초', '{n} s'],
  'rw.min': ['{n}분', '{n} min'],
  'rw.h': ['{n}시간', '{n} h'],
  'rw.join': ['; ', '; '],
  // One phrase per code of a camera's reason.
  'rw.where': ['{dir}쪽 {dist}', '{dist} to the {dir}'],
  'rw.arrival_road': ['도로로 약 {time} (발견 후 {soon}–{late})', 'about {time} by road ({soon} – {late} after the hit)'],
  'rw.arrival_straight': ['직선으로 약 {time} (발견 후 {soon}–{late})', 'about {time} in a straight line ({soon} – {late} after the hit)'],
  'rw.beyond_often': ['예상 범위 밖이지만 자주 다음으로 지나는 카메라', 'beyond the horizon, but vehicles often go there next'],
  'rw.turn_back': ['진행 방향 반대 (방향 전환 필요)', 'needs a turn back'],
  'rw.ahead': ['진행 방향 앞쪽', 'ahead'],
  'rw.after_camera': ['가는 길에 {camera} 카메라를 먼저 지남', 'after camera {camera} on the way'],
  'rw.transitions': ['이 카메라 다음으로 {count}대가 지남', '{count} vehicles went from this camera here next'],
  'rw.transitions_one': ['이 카메라 다음으로 1대가 지남', 'one vehicle went from this camera here next'],
  // The notice when the reach is worked out without road data.
  'rw.notice.no_roads': ['도로 자료 없음: 시속 {speed} km 가정, 직선 거리 기준', 'no road data here: straight-line reach at an assumed {speed} km/h'],
  'rw.notice.synthetic_roads': ['실제 도로 자료 아님 ({name}): 시속 {speed} km 가정, 직선 거리 기준', '{name} is not road data: straight-line reach at an assumed {speed} km/h'],
  'rw.notice.off_road': ['카메라가 도로에서 {snap} m 이상 떨어져 있음: 시속 {speed} km 가정, 직선 거리 기준', 'the camera is more than {snap} m from every road: straight-line reach at an assumed {speed} km/h'],
  // The map's credit lines: our word before the publisher's own name and licence (shown
  // as data, lib/map.js creditHtml), or the whole line for a source that states none.
  'credit.roads': ['도로', 'Roads'],
  'credit.roads.unstated': ['도로: 출처·라이선스 미상 (데모용)', 'Roads: source and licence unstated (demo only)'],
  'credit.districts': ['시군구 경계', 'District boundaries'],
};
