// The consoles' words in Korean (the interface language) and English (the toggle).
// Terms follow /docs GLOSSARY: 일치/유사/부분 일치, 수신 확인/출동 지령, 확인/기각 …

import { ERROR_WORDS } from './words_errors.js';
import { EXPLAIN_WORDS } from './words_explain.js';
import { ROUTE_WORDS } from './words_route.js';

const WORDS = {
  'app.police': ['스마트도시 안전망 · 경찰', 'Safety net · Police'],
  'app.center': ['스마트도시 안전망 · 센터', 'Safety net · Center'],
  'nav.live': ['실시간 지도·경보', 'Live map & alerts'],
  'nav.wanted': ['수배 등록부', 'Wanted registry'],
  'nav.queue': ['후보 확인 대기열', 'Candidate queue'],
  'nav.health': ['카메라·수집 상태', 'Cameras & ingest'],
  'lang.toggle': ['English', '한국어'],

  'auth.title': ['로그인이 필요합니다', 'Sign-in needed'],
  'auth.lead': [
    '관리자가 준 콘솔 주소(…/console/#token=…)로 여시거나, 발급받은 토큰을 아래에 붙여넣으세요. 토큰은 이 탭에만 보관되고 주소창에서 지워집니다.',
    'Open the console address you were given (…/console/#token=…), or paste your token below. It is kept in this tab only and removed from the address bar.',
  ],
  'auth.command': ['토큰 발급 명령:', 'To issue a token:'],
  'auth.paste': ['토큰 붙여넣기', 'Paste a token'],
  'auth.signin': ['로그인', 'Sign in'],
  'auth.invalid': ['토큰 형식이 올바르지 않습니다.', 'That is not a safenet token.'],
  'auth.expired': ['토큰이 만료되었습니다. 새 토큰을 받으세요.', 'The token has expired; get a new one.'],
  'auth.refused': [
    '서버가 토큰을 받아들이지 않습니다(만료되었거나 다른 서비스의 토큰). 다시 로그인하세요.',
    'The server refused the token (expired, or issued by another service). Sign in again.',
  ],
  'auth.personal': [
    '본인 계정으로 로그인하세요: 아이디와 비밀번호, 그다음 인증 앱의 6자리 코드입니다.',
    'Sign in with your own account: user id and password, then the 6-digit code from your authenticator app.',
  ],
  'auth.user': ['아이디', 'User id'],
  'auth.password': ['비밀번호', 'Password'],
  'auth.next': ['다음', 'Next'],
  'auth.code': ['인증 코드(또는 복구 코드)', 'Authenticator code (or a recovery code)'],
  'auth.code_lead': ['인증 앱에 표시된 6자리 코드를 입력하세요.', 'Enter the 6-digit code your authenticator app shows.'],
  'auth.enrol': [
    '처음 로그인합니다. 인증 앱으로 아래 QR 코드를 찍어 등록한 뒤 표시되는 코드를 입력하세요.',
    'First sign-in: scan this QR code with your authenticator app, then enter the code it shows.',
  ],
  'auth.qr': ['인증 앱 등록용 QR 코드', 'QR code for the authenticator app'],
  'auth.enrol_uri': ['QR을 찍을 수 없으면 이 주소를 앱에 입력하세요:', 'If you cannot scan it, enter this in the app:'],
  'auth.wrong': ['아이디, 비밀번호 또는 코드가 맞지 않습니다.', 'The user id, password or code is not right.'],
  'auth.locked': [
    '로그인 실패가 반복되어 계정이 잠시 잠겼습니다. 10분 뒤 다시 시도하거나 관리자에게 문의하세요.',
    'Too many failed sign-ins: the account is locked for a while. Try again in 10 minutes or ask your administrator.',
  ],
  'auth.too_many': ['시도가 너무 많습니다. 잠시 뒤 다시 시도하세요.', 'Too many attempts; wait a moment and try again.'],
  'auth.fill': ['모든 칸을 입력하세요.', 'Fill in every field.'],
  'auth.step_expired': ['시간이 지났습니다. 아이디와 비밀번호부터 다시 입력하세요.', 'That took too long; start again with your user id and password.'],
  'auth.failed': ['로그인하지 못했습니다. 다시 시도하세요.', 'Could not sign in; try again.'],
  'auth.token_instead': ['서비스 계정 토큰으로 로그인', 'Sign in with a service account token'],
  'auth.use_token': ['토큰 사용', 'Use the token'],
  'auth.signed_out': ['세션이 끝났습니다(로그아웃, 시간 초과 또는 관리자 조치). 다시 로그인하세요.', 'Your session ended (signed out, timed out or ended by an administrator). Sign in again.'],
  'auth.who': ['로그인', 'Signed in'],
  'auth.switch': ['다른 사용자로 전환 · 추가', 'Switch or add identity'],
  'auth.use': ['사용', 'Use'],
  'auth.forget': ['삭제', 'Forget'],
  'auth.add': ['추가 후 전환', 'Add and switch'],
  'auth.signout': ['모두 로그아웃', 'Sign everyone out'],
  'auth.current': ['사용 중', 'in use'],
  'auth.sites': ['관할 센터', 'Sites'],
  'auth.allsites': ['전체', 'all'],
  'auth.expires': ['만료', 'expires'],

  'role.registrar': ['등록 담당', 'registrar'],
  'role.approver': ['승인 담당', 'approver'],
  'role.dispatcher': ['112 상황실', 'dispatcher'],
  'role.field_officer': ['현장 경찰관', 'field officer'],
  'role.operator': ['관제요원', 'operator'],
  'role.supervisor': ['관제 책임자', 'supervisor'],
  'role.auditor': ['감사', 'auditor'],
  'role.admin': ['관리자', 'admin'],
  'role.camera': ['카메라', 'camera'],

  'conn.open': ['실시간 연결됨', 'Live'],
  'conn.connecting': ['연결 중…', 'Connecting…'],
  'conn.lost': ['연결 끊김 — 재연결 중', 'Connection lost — retrying'],

  'level.exact': ['일치', 'Exact'],
  'level.equivalent': ['유사(오인식 가능)', 'Look-alike'],
  'level.fuzzy': ['유사', 'Fuzzy'],
  'level.partial': ['부분 일치', 'Partial'],
  'score': ['점수', 'score'],
  'confidence': ['인식 신뢰도', 'read confidence'],

  'alerts.title': ['경보', 'Alerts'],
  'alerts.empty': ['아직 경보가 없습니다. 새 발견은 즉시 여기에 표시됩니다.', 'No alerts yet. New hits appear here at once.'],
  'alert.visual': ['육안 확인 필요 — 번호판을 눈으로 확인한 뒤 출동하세요', 'Confirm the plate visually before acting'],
  'alert.withdrawn': ['센터 운영자 기각 — 이 차량이 아닙니다. 출동하지 마세요', 'Rejected by the center operator — not the vehicle; stand down'],
  'alert.pending': ['센터 확인 대기 중', 'Awaiting the center’s confirmation'],
  'alert.confirmed': ['센터 확인됨', 'Confirmed by the center'],
  'alert.rejected': ['센터 기각', 'Rejected by the center'],
  'alert.read_as': ['판독', 'read as'],
  'alert.case': ['사건', 'case'],
  'alert.heading': ['진행 방향', 'heading'],
  'alert.explain': ['판정 설명', 'Why it matched'],
  'alert.snapshot': ['현장 사진', 'Snapshot'],
  'alert.snapshot_at_center': [
    '센터 보관 ({ref}) — 영상정보 제공 요청으로 받을 수 있습니다',
    'kept at the center ({ref}) — obtain it with an evidence request',
  ],
  'alert.no_snapshot': ['사진 없음', 'none'],
  'alert.ack': ['수신 확인', 'Acknowledge'],
  'alert.dispatch': ['출동 지령', 'Dispatch'],
  'alert.dispatch_note': ['출동 내용 (차량·장소)', 'Units and destination'],
  'alert.send_dispatch': ['출동 기록', 'Record dispatch'],
  'alert.acked_by': ['수신 확인: {who} · {at}', 'Acknowledged by {who} · {at}'],
  'alert.dispatched_by': ['출동: {who} · {at}', 'Dispatched by {who} · {at}'],
  'alert.responders_only': ['112 상황실·현장 경찰관만 할 수 있습니다', 'Dispatchers and field officers only'],
  'alert.retro': ['과거 판독 조회', 'retrospective'],
  'alert.flag': ['이동 불가능 구간 (번호판 오인식 또는 대포차 의심)', 'Impossible journey (likely misread or cloned plate)'],
  'alert.flag_detail': ['{km} km를 {min}분에 이동 (시속 {kmh} km)', '{km} km in {min} min ({kmh} km/h)'],
  'alert.flag_instant': ['{km} km를 동시에 (같은 시각 두 곳)', '{km} km at the same instant'],
  'hotlist.changed': ['수배 목록 v{v} 배포 (+{a} −{r})', 'Hotlist v{v} sent (+{a} −{r})'],
  'map.track_of': ['{plate} 이동경로', 'Track of {plate}'],
  'map.camera': ['카메라 {id}', 'Camera {id}'],
  'map.impossible': ['이동 불가능', 'impossible'],
  'tracks.count': ['수배 차량 {n}대 추적 중', 'Tracking {n} wanted vehicles'],

  // The escape route (issue 15): direction source, next cameras, reach, heads-up.
  'route.dir_road': ['직전 발견 지점에서 도로를 따라 온 방향', 'along the roads from the previous hit'],
  'route.dir_hits': ['직전 발견 지점에서 직선 방향 (도로 자료 없음)', 'straight from the previous hit (no road data)'],
  'route.dir_camera_rear': ['카메라 촬영 방향 (후면 번호판 판독)', 'the camera’s heading (reads rear plates)'],
  'route.dir_camera_front': ['카메라 촬영 방향의 반대 (전면 번호판 판독)', 'opposite the camera’s heading (reads front plates)'],
  'route.dir_camera_unknown': ['카메라 촬영 방향 (전면·후면 미상: 반대일 수 있음)', 'the camera’s heading (front or rear unknown: may be reversed)'],
  'route.next': ['다음 예상 카메라', 'Cameras it may pass next'],
  'route.horizons': ['{list}분 이내', 'within {list} min'],
  'route.none': ['예상 범위 안에 카메라 없음', 'No camera within reach'],
  'route.model_learned': ['순위: 도로 + 이 센터의 평소 통행 흐름', 'Ranked by the roads and this center’s usual traffic'],
  'route.model_roads': ['순위: 도로 기준 (평소 통행 자료 부족)', 'Ranked by the roads (too little traffic data)'],
  'route.beyond': ['예상 범위 밖', 'beyond the horizon'],
  'route.reach': ['도달 가능 범위', 'Reach area'],
  'route.count': ['{n}회', '×{n}'],
  'headsup.title': ['경찰 사전 통보: 수배 차량 접근 예상', 'Police heads-up: wanted vehicle approaching'],
  'headsup.last_seen': ['최근 발견 {site} · {at} ({ago})', 'Last seen at {site} · {at} ({ago})'],
  'headsup.watch': ['아래 카메라 화면을 주시하세요 (도착 예상 시각)', 'Watch these cameras (expected arrival)'],
  'headsup.expires': ['{at}에 자동 종료', 'Ends by itself at {at}'],

  // Alert attention (h18attn): the sound, desktop notifications, the tab title's count.
  'attn.sound_on': ['알림음 켜짐', 'Sound on'],
  'attn.sound_off': ['알림음 꺼짐', 'Sound off'],
  'attn.mute': ['눌러서 알림음 끄기 (이 브라우저에 기억됨)', 'Press to mute the alert sound (remembered in this browser)'],
  'attn.unmute': ['눌러서 알림음 켜기', 'Press to turn the alert sound on'],
  'attn.notify_allow': ['바탕화면 알림 허용', 'Allow notifications'],
  'attn.notify_on': ['바탕화면 알림 켜짐', 'Notifications on'],
  'attn.notify_blocked': ['바탕화면 알림 차단됨', 'Notifications blocked'],
  // the same, short, for a phone's top bar (the full text stays the button's accessible name)
  'attn.sound_on_short': ['소리 켬', 'Sound'],
  'attn.sound_off_short': ['소리 끔', 'Muted'],
  'attn.notify_allow_short': ['알림 허용', 'Notify'],
  'attn.notify_on_short': ['알림 켬', 'Notify on'],
  'attn.notify_blocked_short': ['알림 차단', 'Blocked'],
  'attn.notify_hint': [
    '다른 창을 보고 있을 때 새 경보를 바탕화면 알림으로 알려 줍니다',
    'Tells you of new alerts with a desktop notification while you look at another window',
  ],
  'attn.notify_blocked_hint': [
    '브라우저의 사이트 설정에서 이 콘솔의 알림을 허용하세요',
    'Allow notifications for this console in the browser’s site settings',
  ],
  'attn.notify_exact': ['일치 경보 {plate}', 'Exact alert {plate}'],
  'attn.notify_candidate': ['후보 {plate} — 육안 확인 필요', 'Candidate {plate} — confirm visually'],
  'attn.notify_queue': ['확인할 새 후보 {plate}', 'New candidate to check: {plate}'],
  'attn.notify_body': ['{place} · {time} 판독', 'read at {place} · {time}'],

  'dir.N': ['북', 'N'], 'dir.NE': ['북동', 'NE'], 'dir.E': ['동', 'E'], 'dir.SE': ['남동', 'SE'],
  'dir.S': ['남', 'S'], 'dir.SW': ['남서', 'SW'], 'dir.W': ['서', 'W'], 'dir.NW': ['북서', 'NW'],

  'cat.homicide': ['살인', 'homicide'],
  'cat.robbery': ['강도', 'robbery'],
  'cat.kidnapping': ['약취·유인(납치)', 'kidnapping / abduction'],
  'cat.sexual_assault': ['강간·강제추행', 'rape / sexual assault'],
  'cat.arson': ['방화', 'arson'],
  'cat.stalking': ['스토킹', 'stalking'],
  'cat.suicide_risk': ['자살 기도자 구조', 'rescue of a person attempting suicide'],
  'cat.missing_person': ['실종 아동·치매 노인 등', 'missing child or person at risk'],

  'status.pending': ['승인 대기', 'pending approval'],
  'status.active': ['수배 중', 'active'],
  'status.expired': ['만료', 'expired'],
  'status.cancelled': ['해제', 'lifted'],
  'status.resolved': ['종결', 'resolved'],

  'wanted.register': ['수배 등록', 'Register a wanted vehicle'],
  'wanted.register_lead': [
    '강력범죄 또는 생명·신체 위험이 있을 때만 등록할 수 있습니다. 등록 후 다른 경찰관이 승인해야 센터에 배포됩니다.',
    'Only for violent crime or imminent danger to life. Another officer must approve before the centers receive it.',
  ],
  'field.plate': ['차량번호', 'Plate'],
  'field.plate_hint': ['전체 번호(12가3456) 또는 목격 패턴(12가34??, *3456)', 'Full plate (12가3456) or witness pattern (12가34??, *3456)'],
  'field.category': ['법적 근거 (범죄 유형)', 'Lawful basis (category)'],
  'field.choose': ['— 선택 —', '— choose —'],
  'field.case_number': ['사건번호', 'Case number'],
  'field.reason': ['수배 사유', 'Reason'],
  'field.vehicle': ['차량 특징 (육안 확인용)', 'Vehicle (for visual confirmation)'],
  'field.make': ['제조사', 'Make'],
  'field.model': ['차종', 'Model'],
  'field.colour': ['색상', 'Colour'],
  'field.type': ['차체 유형', 'Body type'],
  'field.unknown': ['— 모름 —', '— not known —'],
  'colour.white': ['흰색', 'white'],
  'colour.silver': ['은색', 'silver'],
  'colour.grey': ['회색', 'grey'],
  'colour.black': ['검정', 'black'],
  'colour.navy': ['남색', 'navy (dark blue)'],
  'colour.blue': ['파랑', 'blue'],
  'colour.red': ['빨강', 'red'],
  'colour.brown': ['갈색', 'brown'],
  'colour.beige': ['베이지', 'beige (gold)'],
  'colour.yellow': ['노랑', 'yellow'],
  'colour.green': ['초록', 'green'],
  'colour.orange': ['주황', 'orange'],
  'colour.purple': ['보라', 'purple'],
  'body.car': ['승용(세단)', 'car'],
  'body.suv': ['SUV', 'SUV'],
  'body.van': ['승합(밴)', 'van'],
  'body.pickup': ['픽업', 'pickup'],
  'body.truck': ['화물(트럭)', 'truck'],
  'body.bus': ['버스', 'bus'],
  'body.motorcycle': ['이륜차', 'motorcycle'],
  'field.expires_in_hours': ['수배 기간 (시간)', 'Duration (hours)'],
  'field.expires_hint': ['비우면 72시간, 최대 30일', 'Empty: 72 hours; at most 30 days'],
  'wanted.submit': ['등록 요청', 'Register'],
  'wanted.registered': ['등록됨 — 다른 경찰관의 승인을 기다립니다', 'Registered — waiting for another officer’s approval'],
  'wanted.list': ['수배 목록', 'Wanted entries'],
  'wanted.filter.pending': ['승인 대기', 'Pending'],
  'wanted.filter.active': ['수배 중', 'Active'],
  'wanted.filter.all': ['전체', 'All'],
  'wanted.empty': ['해당하는 수배가 없습니다.', 'No entries.'],
  'wanted.registrar': ['등록', 'registered by'],
  'wanted.approver': ['승인', 'approved by'],
  'wanted.expires': ['만료', 'expires'],
  'wanted.created': ['등록 시각', 'registered'],
  'wanted.approve': ['승인', 'Approve'],
  'wanted.approved': ['승인됨 — 수배 목록 v{v} 배포', 'Approved — hotlist v{v} sent'],
  'wanted.renew': ['연장', 'Renew'],
  'wanted.cancel': ['해제', 'Lift'],
  'wanted.resolve': ['종결', 'Resolve'],
  'wanted.renewed': ['연장됨', 'Renewed'],
  'wanted.ended': ['종료됨', 'Ended'],
  'wanted.new_hours': ['새 기간 (지금부터 시간)', 'New duration (hours from now)'],
  'wanted.end_reason': ['사유 (기록됨)', 'Reason (recorded)'],
  'wanted.send': ['보내기', 'Send'],
  'wanted.close': ['닫기', 'Close'],
  'wanted.specificity': [
    '이 패턴은 번호판 약 {one_in}개 중 1개와 일치합니다 (등록 차량 약 {vehicles}대)',
    'This pattern matches about 1 in {one_in} plates (about {vehicles} registered vehicles)',
  ],
  'wanted.held': ['모든 적중은 센터 관제요원이 확인한 뒤에 전송됩니다', 'Every hit waits for a center operator before it is sent'],
  'alarm.title': ['연계 경보', 'Link alarms'],
  'alarm.none': ['없음', 'none'],
  'alarm.toast': ['연계 경보 · {site}: {what}', 'Link alarm · {site}: {what}'],
  'alarm.kind.duplicate_first_publish': [
    '처음 보내는 메시지의 번호가 이미 쓰였습니다 (위조 또는 재전송 의심)',
    'A message’s id was taken before it was first sent (forged or replayed)',
  ],
  'alarm.kind.forged_message_id': ['다른 메시지의 번호를 쓴 메시지를 거부했습니다 (위조 의심)', 'Refused a message sent under another message’s id (forged)'],
  'alarm.kind.site_mismatch': ['보낸 기관이 서로 맞지 않는 메시지를 거부했습니다', 'Refused a message whose sending site does not agree'],
  'alarm.kind.invalid_message': ['형식이 올바르지 않은 메시지를 거부했습니다', 'Refused a malformed message'],
  'alarm.kind.foreign_camera': [
    '보낸 센터가 등록하지 않은 카메라(다른 센터의 카메라)의 보고를 거부했습니다',
    'Refused a report of a camera its sender never announced (another center’s)',
  ],
  'alarm.kind.lookup_cap': [
    '과거 판독 조회가 허용된 차량 수를 넘었습니다 (수배가 전체 검색이 될 수 있음)',
    'A look-back found more vehicles than allowed (the entry may be a search of everyone)',
  ],
  'wanted.two_person': ['승인은 등록한 경찰관이 아닌 다른 경찰관이 합니다 (서버가 확인).', 'A different officer approves (the server checks).'],
  'centers.title': ['센터별 수배 목록 버전', 'Hotlist version at each center'],
  'centers.current': ['현재 버전 v{v}', 'Current version v{v}'],
  'centers.site': ['센터', 'Center'],
  'centers.acked': ['적용 버전', 'Runs'],
  'centers.state': ['상태', 'State'],
  'centers.entries': ['항목 수', 'Entries'],
  'centers.acked_at': ['적용 확인', 'Acknowledged'],
  'centers.heartbeat': ['마지막 신호', 'Last heartbeat'],
  'centers.in_sync': ['최신', 'up to date'],
  'centers.behind': ['{n}개 버전 뒤처짐', '{n} versions behind'],
  'centers.never': ['응답 없음', 'never answered'],
  'centers.none': ['아직 연결된 센터가 없습니다.', 'No center has answered yet.'],

  'queue.title': ['확인 대기 후보', 'Candidates waiting'],
  'queue.empty': ['확인할 후보가 없습니다.', 'Nothing to confirm.'],
  'queue.wanted': ['수배 차량', 'Wanted vehicle'],
  'queue.read': ['카메라 판독', 'Camera read'],
  'queue.seen': ['카메라가 본 차량', 'Vehicle seen'],
  'queue.not_described': ['정보 없음', 'not described'],
  'queue.confirm': ['확인 (C)', 'Confirm (C)'],
  'queue.reject': ['기각 (R)', 'Reject (R)'],
  'queue.reason': ['사유 (필수, Enter로 전송 · Esc 취소)', 'Reason (required; Enter sends, Esc cancels)'],
  'queue.reason_confirm': ['스냅샷의 번호판·차량이 수배 차량과 일치함', 'Snapshot shows the wanted plate and vehicle'],
  'queue.reason_reject': ['번호판 불일치 (오인식)', 'Plate differs (misread)'],
  'queue.send_confirm': ['확인 전송', 'Send confirmation'],
  'queue.send_reject': ['기각 전송', 'Send rejection'],
  'queue.done_confirm': ['확인됨 — 경찰에 전송했습니다', 'Confirmed — sent to the police'],
  'queue.done_reject': ['기각됨', 'Rejected'],
  'queue.held': ['보류 중 (확인 후 경찰에 전송)', 'Held (sent to the police once confirmed)'],
  'queue.reported': ['경찰에 "미확인 후보"로 전송됨', 'Sent to the police as an unconfirmed candidate'],
  'queue.keys': ['J/K 이동 · C 확인 · R 기각 · Enter 전송 · Esc 취소 · ? 도움말', 'J/K move · C confirm · R reject · Enter send · Esc cancel · ? help'],
  'queue.recent': ['방금 처리한 후보', 'Just decided'],
  'queue.camera': ['카메라', 'camera'],
  'queue.no_snapshot': ['스냅샷 없음', 'No snapshot'],
  'assess.compare': ['차량 특징 비교', 'Description compared'],
  'assess.verdict': ['비교 결과', 'Verdict'],
  'assess.agrees': ['일치', 'agrees'],
  'assess.differs': ['불일치', 'differs'],
  'assess.close': ['비슷함 (판단 보류)', 'close (says little)'],
  'assess.no_compare': ['비교 불가', 'cannot compare'],
  'assess.unknown': ['정보 없음', 'not known'],
  'assess.why': ['판단 근거 (요인별 영향)', 'Why (each factor’s effect)'],
  'assess.score': ['판단 점수', 'decision score'],
  'assess.raises': ['높임', 'raises'],
  'assess.lowers': ['낮춤', 'lowers'],
  'assess.no_effect': ['영향 없음', 'no effect'],
  'assess.backing': ['이 차량의 다른 판독 {n}건이 뒷받침, {against}건이 다른 번호판', 'Backed by {n} other reads of this vehicle; {against} read another plate'],
  'assess.reads': ['이 차량의 판독 {n}건 (같은 후보로 묶음)', 'This vehicle’s {n} reads (one queue item)'],

  'queue.help': [
    'J 또는 ↓: 다음 후보 · K 또는 ↑: 이전 후보 · C: 확인 · R: 기각 · Enter: 사유와 함께 전송 · Esc: 취소',
    'J or ↓: next · K or ↑: previous · C: confirm · R: reject · Enter: send with the reason · Esc: cancel',
  ],

  'health.title': ['수집 상태', 'Ingest health'],
  'health.rate': ['초당 판독 (1분 평균)', 'Reads/s (1-minute mean)'],
  'health.candidates': ['확인 대기 후보', 'Candidates waiting'],
  'health.outbox': ['경찰 전송 대기', 'Outbox depth'],
  'health.link': ['경찰 연계', 'Link to the police'],
  'health.link.up': ['정상', 'up'],
  'health.link.backlog': ['지연', 'backlog'],
  'health.link.down': ['끊김', 'down'],
  'health.hotlist': ['수배 목록', 'Hotlist'],
  'health.hotlist_value': ['v{v} · {n}건', 'v{v} · {n} entries'],
  'health.applied': ['적용', 'applied'],
  'health.rejected': ['거부된 판독 (사유별)', 'Rejected reads by reason'],
  'health.rejected_none': ['없음', 'none'],
  'health.reason': ['사유', 'reason'],
  'health.count': ['건수', 'count'],
  'health.cameras': ['카메라 {n}대', '{n} cameras'],
  'health.queue': ['처리 대기 판독', 'Reads queued'],
  'health.heartbeat': ['마지막 신호', 'Last heartbeat'],
  'health.retro': ['과거 판독 조회 대기', 'Look-ups waiting'],
  'health.updated': ['갱신', 'updated'],

  'ev.title': ['영상정보 제공', 'Evidence'],
  'ev.request': ['영상정보 제공 요청', 'Request evidence'],
  'track.evidence_title': ['경로의 발견 지점 — {plate}', 'Hit on the track — {plate}'],
  'track.evidence_close': ['닫기', 'Close'],
  'ev.photos': ['현장 사진 (전후 {s}초)', 'Scene photos (±{s} s)'],
  'ev.route': ['도주 경로', 'Escape route'],
  'ev.purpose': ['요청 목적 (기록됨)', 'Purpose (recorded)'],
  'ev.purpose_default': ['피의차량 확인 및 추적을 위한 현장 사진·도주 경로 확인', 'Scene photos and escape route to confirm and follow the suspect vehicle'],
  'ev.rank': ['계급', 'Rank'],
  'ev.agency': ['소속', 'Unit'],
  'ev.basis': ['법적 근거', 'Legal basis'],
  'ev.basis.7': ['개인정보보호법 제18조제2항제7호 (범죄 수사)', 'PIPA Art. 18(2) item 7 (criminal investigation)'],
  'ev.basis.3': ['개인정보보호법 제18조제2항제3호 (생명·신체 급박한 위험)', 'PIPA Art. 18(2) item 3 (urgent danger to life)'],
  'ev.basis.2': ['개인정보보호법 제18조제2항제2호 (다른 법률의 규정)', 'PIPA Art. 18(2) item 2 (another law provides)'],
  'ev.send': ['요청 보내기', 'Send request'],
  'ev.cancel': ['취소', 'Cancel'],
  'ev.none_chosen': ['요청할 항목을 하나 이상 고르세요', 'Choose at least one item'],
  'ev.state.sent': ['요청 전송됨 — 센터 승인 대기', 'Sent — waiting for the center'],
  'ev.state.received': ['제공받음 (서명·해시 검증 완료)', 'Received (signature and hashes verified)'],
  'ev.state.denied': ['센터 거부', 'Denied by the center'],
  'ev.state.refused': ['검증 실패 — 표시하지 않습니다', 'Failed verification — not shown'],
  'ev.withheld': ['제공되지 않은 항목', 'Not provided'],
  'ev.expires': ['보유 기한', 'Keep until'],
  'ev.route_hits': ['이후 발견 {n}건', '{n} later hits'],
  'ev.route_missing': ['센터 제공 불가', 'not available from the center'],
  'ev.missing.path': ['도로 경로', 'road path'],
  'ev.missing.reachable_cameras': ['도달 가능 카메라', 'cameras within reach'],
  'ev.open_logged': ['열람은 기록됩니다', 'Opening is recorded'],
  'ev.item.scene_photos': ['현장 사진', 'Scene photos'],
  'ev.item.escape_route': ['도주 경로', 'Escape route'],
  'ev.item.video': ['영상 (저장 사진)', 'Video (stored stills)'],

  'evq.title': ['영상정보 제공 요청', 'Evidence requests'],
  'evq.empty': ['대기 중인 요청이 없습니다.', 'No request waiting.'],
  'evq.requester': ['요청자', 'Requested by'],
  'evq.purpose': ['목적', 'Purpose'],
  'evq.basis': ['법적 근거', 'Legal basis'],
  'evq.case': ['사건번호', 'Case'],
  'evq.items': ['요청 항목 (제공할 항목 선택)', 'Items (tick those to provide)'],
  'evq.approve_all': ['전체 승인', 'Approve all'],
  'evq.approve_part': ['선택 항목만 승인', 'Approve ticked only'],
  'evq.deny': ['거부', 'Deny'],
  'evq.reason': ['사유 (요청자에게 전달됨)', 'Reason (the officer reads it)'],
  'evq.reason_needed': ['사유를 적어 주세요', 'Give a reason'],
  'evq.done_provided': ['제공함 — 서명된 자료를 경찰에 보냈습니다', 'Provided — the signed package was sent'],
  'evq.done_denied': ['거부함 — 사유를 경찰에 보냈습니다', 'Denied — the reason was sent'],
  'evq.window': ['전후 {s}초', '±{s} s'],
  'evq.hit': ['발견 {id}', 'hit {id}'],
  'evq.hit_at': ['{camera} 발견 ({at})', 'hit at {camera} ({at})'],
  'evq.from_on': ['이후', 'onwards'],

  'basis.pipa': ['개인정보보호법 제18조제2항제{n}호', 'PIPA Art. 18(2) item {n}'],
  'basis.warrant': ['영장 {n}', 'warrant {n}'],
  'nav.register': ['제공 관리대장', 'Provision register'],
  'reg.title': ['개인영상정보 제공 관리대장', 'Provision register'],
  'reg.from': ['시작일', 'From'],
  'reg.to': ['종료일', 'To'],
  'reg.case': ['사건번호', 'Case'],
  'reg.requester': ['요청자 ID 또는 기관', 'Officer id or agency'],
  'reg.category': ['범죄 유형', 'Category'],
  'reg.all': ['전체', 'All'],
  'reg.search': ['조회 (기록됨)', 'Search (recorded)'],
  'reg.export': ['CSV 내려받기', 'Download CSV'],
  'reg.empty': ['해당 기간에 제공 기록이 없습니다.', 'Nothing was provided in that period.'],
  'reg.col.provided_at': ['제공 일시', 'Provided'],
  'reg.col.form': ['제공 형태', 'Form'],
  'reg.col.cameras': ['카메라', 'Cameras'],
  'reg.col.range': ['촬영 시간', 'Recorded'],
  'reg.col.files': ['파일 수', 'Files'],
  'reg.col.recipient': ['제공받는 자', 'Recipient'],
  'reg.col.purpose': ['목적', 'Purpose'],
  'reg.col.basis': ['법적 근거', 'Legal basis'],
  'reg.col.case': ['사건번호', 'Case'],
  'reg.col.approver': ['승인자', 'Approver'],
  'reg.col.until': ['보유 기한', 'Kept until'],
  'form.still': ['정지영상', 'still'],
  'form.clip': ['영상', 'clip'],
  'form.route': ['이동경로', 'route'],
  'form.live_view': ['실시간 열람', 'live view'],


  'time.now': ['방금', 'just now'],
  'time.seconds': ['{n}초 전', '{n}s ago'],
  'time.minutes': ['{n}분 전', '{n} min ago'],
  'time.hours': ['{n}시간 전', '{n} h ago'],
  'time.days': ['{n}일 전', '{n} d ago'],
  'error.generic': ['요청이 실패했습니다', 'The request failed'],
  'error.forbidden': [
    '이 작업을 할 권한이 없습니다(역할 또는 관할 범위 밖). 필요하면 관리자에게 문의하세요.',
    'You may not do this (your role or your sites do not cover it). Ask your administrator if you should.',
  ],
  'error.rate_limited': ['요청이 너무 잦습니다. 잠시 뒤 다시 시도하세요.', 'Too many requests; wait a moment and try again.'],
  'error.too_large': ['보낸 내용이 너무 큽니다.', 'What was sent is too large.'],
  'error.network': ['서버에 연결할 수 없습니다', 'The server cannot be reached'],

  // Phone layout (h18phone)
  'ev.refused_lead': ['이 서비스가 받은 증거 자료의 검증(서명·무결성·요청 범위)에 실패하여 자료를 받지 않았습니다. 센터에 다시 요청하거나 시스템 관리자에게 알리세요.',
    'This service could not verify the evidence package it received (signature, integrity or the request\'s scope) and did not accept it. Ask the center again, or tell the system administrator.'],
  'ev.refused_detail': ['관리자용 기술 정보', 'Technical detail for the administrator'],
  'phone.back': ['← 목록으로', '← Back to the list'],
  'phone.tab_map': ['지도', 'Map'],
  'phone.tab_alerts': ['경보 카드', 'Alert cards'],
  'phone.legend': ['범례 (차량별 경로)', 'Legend (tracks by vehicle)'],
  // Site names and walk (h18walk): words the catalogue walk test found outside the
  // catalogue on the shell, map, health and registry pages.
  'page.title': ['{page} — safenet', '{page} — safenet'],
  'map.label': ['지도', 'Map'],
  'map.cameras_label': ['카메라 지도', 'Camera map'],
  'map.zoom_in': ['확대', 'Zoom in'],
  'map.zoom_out': ['축소', 'Zoom out'],
  'centers.version': ['v{v}', 'v{v}'],
  'health.seconds': ['{n}초', '{n} s'],
  'health.transport.MemoryTransport': ['프로세스 내 연계 (시험·데모용)', 'in-process link (trial and demo)'],
  'health.transport.NatsTransport': ['메시지 서버 연계', 'NATS message server'],
  'reject.schema': ['형식 오류 (항목 누락·형식·범위)', 'malformed (a field missing, of the wrong type or range)'],
  'reject.plate': ['번호판으로 읽을 수 없음', 'not a plate'],
  'reject.timestamp': ['시각 형식 오류 (시간대 없음)', 'bad time (no UTC offset)'],
  'reject.future': ['미래 시각 (허용 시계 오차 초과)', 'in the future (beyond the allowed clock skew)'],
  'reject.stale': ['보존 기간보다 오래된 판독', 'older than the read retention'],
  'reject.unknown_camera': ['등록되지 않은 카메라', 'camera not in the registry'],
  'reject.snapshot': ['스냅샷 오류 (JPEG 아님 또는 너무 큼)', 'bad snapshot (not a JPEG, or too large)'],
  'reject.pipeline_error': ['처리 중 오류 (다시 보낼 수 있음)', 'processing failed (may be sent again)'],
  'page.live': ['실시간 지도·경보', 'Live map & alerts'],
};
// The catalogue's other parts (one catalogue in several files, each under 600 lines).
Object.assign(WORDS, ERROR_WORDS, EXPLAIN_WORDS, ROUTE_WORDS);

const STORE_KEY = 'safenet.lang';
let current = 'ko';
const listeners = new Set();

export function initLang(fallback) {
  const saved = localStorage.getItem(STORE_KEY);
  current = saved === 'en' || saved === 'ko' ? saved : (fallback === 'en' ? 'en' : 'ko');
  document.documentElement.lang = current;
}

export function lang() {
  return current;
}

export function setLang(next) {
  current = next === 'en' ? 'en' : 'ko';
  localStorage.setItem(STORE_KEY, current);
  document.documentElement.lang = current;
  applyI18n(document);
  for (const fn of listeners) fn(current);
}

export function onLang(fn) {
  listeners.add(fn);
}

export function t(key, vars = {}) {
  const pair = WORDS[key];
  let text = pair ? pair[current === 'en' ? 1 : 0] : key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

export function has(key) {
  return key in WORDS;
}

export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

export const CATEGORIES = [
  'homicide', 'robbery', 'kidnapping', 'sexual_assault', 'arson', 'stalking',
  'suicide_risk', 'missing_person',
];

// The vehicle vocabulary (safenet.vehicles; docs/matching.md "Vehicle description").
export const COLOURS = [
  'white', 'silver', 'grey', 'black', 'navy', 'blue', 'red', 'brown', 'beige', 'yellow',
  'green', 'orange', 'purple',
];
export const BODY_TYPES = ['car', 'suv', 'van', 'pickup', 'truck', 'bus', 'motorcycle'];

export function category(code) {
  return has(`cat.${code}`) ? t(`cat.${code}`) : code || '—';
}

export function level(code) {
  return has(`level.${code}`) ? t(`level.${code}`) : code;
}

export function compass(deg) {
  if (deg === null || deg === undefined || Number.isNaN(Number(deg))) return null;
  const names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  return t(`dir.${names[Math.round((((Number(deg) % 360) + 360) % 360) / 45) % 8]}`);
}
