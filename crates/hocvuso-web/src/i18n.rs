//! The interface's words in Vietnamese (the default) and English.
//!
//! Each locale is one `Texts` value, so a word missing from a locale is a compile error rather than a blank
//! on screen; fluent and gettext check that only at run time. Error codes from the app layer are translated
//! by [`error_message`].

/// A locale of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English, the second locale.
    En,
}

impl Lang {
    /// Reads the value of the language cookie.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The words of this locale.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

/// Every word of the interface.
#[derive(Debug)]
pub struct Texts {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub menu: &'static str,
    pub demo_banner: &'static str,
    pub switch_language: &'static str,
    pub other_language_code: &'static str,
    pub home: &'static str,
    pub home_intro: &'static str,
    pub home_what_title: &'static str,
    pub home_what_1: &'static str,
    pub home_what_2: &'static str,
    pub home_what_3: &'static str,
    pub served_communes: &'static str,
    pub no_served_communes: &'static str,
    pub units: &'static str,
    pub units_intro: &'static str,
    pub province: &'static str,
    pub commune: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub n_communes: &'static str,
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub sign_out: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub password: &'static str,
    pub dashboard: &'static str,
    pub welcome: &'static str,
    pub your_role: &'static str,
    pub figures_title: &'static str,
    pub n_hamlets: &'static str,
    pub n_households: &'static str,
    pub n_residents: &'static str,
    pub n_elderly: &'static str,
    pub hamlets: &'static str,
    pub add_hamlet: &'static str,
    pub hamlet_name: &'static str,
    pub hamlet_kind: &'static str,
    pub no_hamlets: &'static str,
    pub residents: &'static str,
    pub residents_intro_commune: &'static str,
    pub residents_intro_hamlet: &'static str,
    pub residents_intro_assigned: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub no_residents: &'static str,
    pub full_name: &'static str,
    pub birth_year: &'static str,
    pub gender: &'static str,
    pub male: &'static str,
    pub female: &'static str,
    pub cccd: &'static str,
    pub hamlet: &'static str,
    pub household: &'static str,
    pub erased_person: &'static str,
    pub consents: &'static str,
    pub consent_purpose: &'static str,
    pub consent_method: &'static str,
    pub consent_given_at: &'static str,
    pub consent_active: &'static str,
    pub consent_withdrawn: &'static str,
    pub record_consent: &'static str,
    pub withdraw: &'static str,
    pub no_consents: &'static str,
    pub purpose_register: &'static str,
    pub purpose_contact: &'static str,
    pub method_written: &'static str,
    pub method_verbal: &'static str,
    pub method_digital: &'static str,
    pub choose: &'static str,
    pub personal_data: &'static str,
    pub export_data: &'static str,
    pub export_hint: &'static str,
    pub erase_data: &'static str,
    pub erase_hint: &'static str,
    pub erase_confirm: &'static str,
    pub account: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_rules: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub users: &'static str,
    pub add_user: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    pub status: &'static str,
    pub active: &'static str,
    pub disabled: &'static str,
    pub disable: &'static str,
    pub audit_log: &'static str,
    pub audit_intro: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub subject: &'static str,
    pub detail: &'static str,
    pub province_overview: &'static str,
    pub province_overview_intro: &'static str,
    pub back: &'static str,
    pub error_title: &'static str,
    pub error_back_home: &'static str,
    pub form_has_errors: &'static str,
    pub role_super_admin: &'static str,
    pub role_province_staff: &'static str,
    pub role_commune_admin: &'static str,
    pub role_commune_staff: &'static str,
    pub role_hamlet_lead: &'static str,
    pub role_volunteer: &'static str,
    pub role_resident: &'static str,
    pub hamlet_kind_thon: &'static str,
    pub hamlet_kind_ban: &'static str,
    pub hamlet_kind_xom: &'static str,
    pub hamlet_kind_khoi: &'static str,
    pub hamlet_kind_to_dan_pho: &'static str,
    pub hamlet_kind_ap: &'static str,
    pub hamlet_kind_other: &'static str,
    pub resident_home_intro: &'static str,
    pub footer: &'static str,
    pub none: &'static str,
    pub nav_users: &'static str,
    pub nav_audit: &'static str,
    pub search_hint: &'static str,
}

/// Tiếng Việt: plain words a farmer of 70 understands.
pub static VI: Texts = Texts {
    app_name: "Học vụ số",
    tagline: "Bình dân học vụ số – không để ai bị bỏ lại phía sau",
    skip_to_content: "Bỏ qua, đến nội dung chính",
    menu: "Mục chính",
    demo_banner: "Bản dùng thử: mọi tên người và số liệu ở đây đều là giả.",
    switch_language: "English",
    other_language_code: "en",
    home: "Trang chủ",
    home_intro: "Công cụ để xã tổ chức phong trào “Bình dân học vụ số”: biết từng hộ, từng người đã biết dùng những kỹ năng số nào, ai cần được giúp, và báo cáo số liệu đúng.",
    home_what_title: "Học vụ số giúp gì?",
    home_what_1: "Sổ theo dõi từng hộ, từng người trong thôn, bản.",
    home_what_2: "Tổ công nghệ số cộng đồng đến từng nhà, ghi lại việc đã hướng dẫn.",
    home_what_3: "Số liệu cho xã và tỉnh, đúng như nhau trên màn hình và trong báo cáo.",
    served_communes: "Các xã đang dùng",
    no_served_communes: "Chưa có xã nào.",
    units: "Danh mục đơn vị hành chính",
    units_intro: "34 tỉnh, thành phố và 3.321 xã, phường, đặc khu theo Quyết định 19/2025/QĐ-TTg.",
    province: "Tỉnh, thành phố",
    commune: "Xã, phường",
    code: "Mã",
    name: "Tên",
    kind: "Loại",
    n_communes: "Số xã, phường",
    sign_in: "Đăng nhập",
    sign_in_title: "Đăng nhập",
    sign_out: "Đăng xuất",
    phone: "Số điện thoại",
    phone_hint: "Ví dụ: 0912 345 678",
    password: "Mật khẩu",
    dashboard: "Tổng quan",
    welcome: "Xin chào",
    your_role: "Vai trò",
    figures_title: "Số liệu của xã",
    n_hamlets: "Số thôn, bản",
    n_households: "Số hộ",
    n_residents: "Số người",
    n_elderly: "Người từ 60 tuổi",
    hamlets: "Thôn, bản",
    add_hamlet: "Thêm thôn, bản",
    hamlet_name: "Tên thôn, bản",
    hamlet_kind: "Loại",
    no_hamlets: "Xã chưa có thôn, bản nào.",
    residents: "Người dân",
    residents_intro_commune: "Tất cả người dân của xã.",
    residents_intro_hamlet: "Người dân của thôn, bản bạn phụ trách.",
    residents_intro_assigned: "Người dân thuộc các hộ được giao cho bạn.",
    search: "Tìm",
    search_placeholder: "Tên người dân",
    no_residents: "Không có ai.",
    full_name: "Họ và tên",
    birth_year: "Năm sinh",
    gender: "Giới tính",
    male: "Nam",
    female: "Nữ",
    cccd: "Số CCCD",
    hamlet: "Thôn, bản",
    household: "Hộ",
    erased_person: "(đã xoá thông tin)",
    consents: "Sự đồng ý",
    consent_purpose: "Đồng ý cho việc",
    consent_method: "Cách ghi nhận",
    consent_given_at: "Ngày đồng ý",
    consent_active: "Đang có hiệu lực",
    consent_withdrawn: "Đã rút lại",
    record_consent: "Ghi nhận sự đồng ý",
    withdraw: "Rút lại",
    no_consents: "Chưa ghi nhận sự đồng ý nào.",
    purpose_register: "Ghi tên vào sổ theo dõi kỹ năng số của xã",
    purpose_contact: "Liên lạc qua điện thoại, Zalo về lớp học và hỗ trợ",
    method_written: "Ký giấy",
    method_verbal: "Nói trực tiếp với tình nguyện viên",
    method_digital: "Tự xác nhận trên điện thoại",
    choose: "Chọn…",
    personal_data: "Dữ liệu cá nhân",
    export_data: "Tải toàn bộ dữ liệu của người này",
    export_hint: "Dùng khi người dân yêu cầu xem dữ liệu của mình. Việc tải sẽ được ghi vào nhật ký.",
    erase_data: "Xoá thông tin cá nhân",
    erase_hint: "Xoá họ tên, số điện thoại, số CCCD. Năm sinh và giới tính được giữ lại để số liệu thống kê không bị sai.",
    erase_confirm: "Tôi hiểu việc này không thể hoàn tác",
    account: "Tài khoản",
    change_password: "Đổi mật khẩu",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới",
    password_rules: "Ít nhất 8 ký tự. Nên dùng một câu dễ nhớ, ví dụ: “Trâu đi cày sớm”.",
    save: "Lưu",
    saved: "Đã lưu.",
    users: "Tài khoản người dùng",
    add_user: "Thêm tài khoản",
    display_name: "Tên hiển thị",
    role: "Vai trò",
    status: "Trạng thái",
    active: "Đang dùng",
    disabled: "Đã khoá",
    disable: "Khoá",
    audit_log: "Nhật ký truy cập dữ liệu",
    audit_intro: "Ai đã xem, tải về hay thay đổi dữ liệu cá nhân, vào lúc nào. Nhật ký này không thể sửa hay xoá.",
    when: "Thời gian",
    who: "Người thực hiện",
    action: "Việc",
    subject: "Đối tượng",
    detail: "Chi tiết",
    province_overview: "Số liệu các xã",
    province_overview_intro: "Số liệu tổng hợp của các xã trong tỉnh, không có thông tin cá nhân.",
    back: "Quay lại",
    error_title: "Có lỗi",
    error_back_home: "Về trang chủ",
    form_has_errors: "Vui lòng sửa các ô được đánh dấu.",
    role_super_admin: "Quản trị hệ thống",
    role_province_staff: "Cán bộ tỉnh",
    role_commune_admin: "Quản trị xã",
    role_commune_staff: "Cán bộ xã",
    role_hamlet_lead: "Trưởng thôn, bản",
    role_volunteer: "Tình nguyện viên",
    role_resident: "Người dân",
    hamlet_kind_thon: "Thôn",
    hamlet_kind_ban: "Bản",
    hamlet_kind_xom: "Xóm",
    hamlet_kind_khoi: "Khối",
    hamlet_kind_to_dan_pho: "Tổ dân phố",
    hamlet_kind_ap: "Ấp",
    hamlet_kind_other: "Khác",
    resident_home_intro: "Các bài hướng dẫn và cuộc thi sẽ hiện ở đây.",
    footer: "Học vụ số – phần mềm tự do cho phong trào Bình dân học vụ số.",
    none: "chưa có",
    nav_users: "Người dùng",
    nav_audit: "Nhật ký",
    search_hint: "Gõ có dấu hay không dấu đều được.",
};

/// English, the second locale.
pub static EN: Texts = Texts {
    app_name: "Học vụ số",
    tagline: "Digital literacy for all – no one left behind",
    skip_to_content: "Skip to main content",
    menu: "Main menu",
    demo_banner: "Demo: every name and figure here is invented.",
    switch_language: "Tiếng Việt",
    other_language_code: "vi",
    home: "Home",
    home_intro: "The tool a commune uses to run the “Bình dân học vụ số” movement: know every household and which digital skills each person has, who needs help, and report true numbers.",
    home_what_title: "What does it do?",
    home_what_1: "A register of every household and person in each hamlet.",
    home_what_2: "Community digital teams visit each home and record what they taught.",
    home_what_3: "Figures for the commune and province, the same on screen and in reports.",
    served_communes: "Communes using it",
    no_served_communes: "No commune yet.",
    units: "Administrative units",
    units_intro: "34 provinces and 3,321 communes, wards and special zones (Decision 19/2025/QĐ-TTg).",
    province: "Province",
    commune: "Commune",
    code: "Code",
    name: "Name",
    kind: "Kind",
    n_communes: "Communes",
    sign_in: "Sign in",
    sign_in_title: "Sign in",
    sign_out: "Sign out",
    phone: "Phone number",
    phone_hint: "For example: 0912 345 678",
    password: "Password",
    dashboard: "Overview",
    welcome: "Hello",
    your_role: "Role",
    figures_title: "Commune figures",
    n_hamlets: "Hamlets",
    n_households: "Households",
    n_residents: "People",
    n_elderly: "Aged 60 or more",
    hamlets: "Hamlets",
    add_hamlet: "Add a hamlet",
    hamlet_name: "Hamlet name",
    hamlet_kind: "Kind",
    no_hamlets: "The commune has no hamlet yet.",
    residents: "Residents",
    residents_intro_commune: "Every resident of the commune.",
    residents_intro_hamlet: "Residents of your hamlet.",
    residents_intro_assigned: "Residents of the households assigned to you.",
    search: "Search",
    search_placeholder: "Name",
    no_residents: "Nobody.",
    full_name: "Full name",
    birth_year: "Year of birth",
    gender: "Gender",
    male: "Male",
    female: "Female",
    cccd: "ID card number",
    hamlet: "Hamlet",
    household: "Household",
    erased_person: "(data erased)",
    consents: "Consent",
    consent_purpose: "Consent to",
    consent_method: "Recorded as",
    consent_given_at: "Given on",
    consent_active: "In force",
    consent_withdrawn: "Withdrawn",
    record_consent: "Record consent",
    withdraw: "Withdraw",
    no_consents: "No consent recorded yet.",
    purpose_register: "Being in the commune's register of digital skills",
    purpose_contact: "Being contacted by phone or Zalo about classes and help",
    method_written: "Signed form",
    method_verbal: "Said to the volunteer in person",
    method_digital: "Confirmed on their own phone",
    choose: "Choose…",
    personal_data: "Personal data",
    export_data: "Download all data about this person",
    export_hint: "Use when the person asks to see their data. The download is recorded in the log.",
    erase_data: "Erase personal data",
    erase_hint: "Erases the name, phone and ID number. Year of birth and gender stay so statistics remain right.",
    erase_confirm: "I understand this cannot be undone",
    account: "Account",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_rules: "At least 8 characters. A sentence you remember works well.",
    save: "Save",
    saved: "Saved.",
    users: "User accounts",
    add_user: "Add an account",
    display_name: "Display name",
    role: "Role",
    status: "Status",
    active: "Active",
    disabled: "Disabled",
    disable: "Disable",
    audit_log: "Data access log",
    audit_intro: "Who viewed, downloaded or changed personal data, and when. This log cannot be edited or deleted.",
    when: "When",
    who: "Who",
    action: "Action",
    subject: "Subject",
    detail: "Detail",
    province_overview: "Commune figures",
    province_overview_intro: "Aggregate figures of the province's communes, without personal data.",
    back: "Back",
    error_title: "Something went wrong",
    error_back_home: "Back to the home page",
    form_has_errors: "Please correct the marked fields.",
    role_super_admin: "System administrator",
    role_province_staff: "Province staff",
    role_commune_admin: "Commune administrator",
    role_commune_staff: "Commune staff",
    role_hamlet_lead: "Hamlet lead",
    role_volunteer: "Volunteer",
    role_resident: "Resident",
    hamlet_kind_thon: "Thôn (hamlet)",
    hamlet_kind_ban: "Bản (mountain hamlet)",
    hamlet_kind_xom: "Xóm",
    hamlet_kind_khoi: "Khối (town block)",
    hamlet_kind_to_dan_pho: "Tổ dân phố (urban group)",
    hamlet_kind_ap: "Ấp",
    hamlet_kind_other: "Other",
    resident_home_intro: "Guides and contests will appear here.",
    footer: "Học vụ số – free software for the digital literacy movement.",
    none: "none",
    nav_users: "Users",
    nav_audit: "Log",
    search_hint: "With or without diacritics.",
};

impl Texts {
    /// The name of a role.
    pub fn role(&self, role: hocvuso_domain::accounts::Role) -> &'static str {
        use hocvuso_domain::accounts::Role;
        match role {
            Role::SuperAdmin => self.role_super_admin,
            Role::ProvinceStaff => self.role_province_staff,
            Role::CommuneAdmin => self.role_commune_admin,
            Role::CommuneStaff => self.role_commune_staff,
            Role::HamletLead => self.role_hamlet_lead,
            Role::Volunteer => self.role_volunteer,
            Role::Resident => self.role_resident,
        }
    }

    /// The name of a hamlet kind.
    pub fn hamlet_kind(&self, kind: hocvuso_domain::places::HamletKind) -> &'static str {
        use hocvuso_domain::places::HamletKind;
        match kind {
            HamletKind::Thon => self.hamlet_kind_thon,
            HamletKind::Ban => self.hamlet_kind_ban,
            HamletKind::Xom => self.hamlet_kind_xom,
            HamletKind::Khoi => self.hamlet_kind_khoi,
            HamletKind::ToDanPho => self.hamlet_kind_to_dan_pho,
            HamletKind::Ap => self.hamlet_kind_ap,
            HamletKind::Other => self.hamlet_kind_other,
        }
    }

    /// The words for a consent purpose.
    pub fn consent_purpose_name(&self, purpose: hocvuso_domain::privacy::ConsentPurpose) -> &'static str {
        use hocvuso_domain::privacy::ConsentPurpose;
        match purpose {
            ConsentPurpose::Register => self.purpose_register,
            ConsentPurpose::Contact => self.purpose_contact,
        }
    }

    /// The words for a consent method.
    pub fn consent_method_name(&self, method: hocvuso_domain::privacy::ConsentMethod) -> &'static str {
        use hocvuso_domain::privacy::ConsentMethod;
        match method {
            ConsentMethod::Written => self.method_written,
            ConsentMethod::Verbal => self.method_verbal,
            ConsentMethod::Digital => self.method_digital,
        }
    }
}

/// The words for an audit action, subject kind and detail.
pub fn audit_words(
    action: hocvuso_domain::privacy::AuditAction,
    subject: hocvuso_domain::privacy::AuditSubject,
    detail: &str,
    lang: Lang,
) -> (&'static str, &'static str, String) {
    use hocvuso_domain::privacy::{AuditAction as A, AuditSubject as S};
    let pick = |vi: &'static str, en: &'static str| if lang == Lang::Vi { vi } else { en };
    let action = match action {
        A::View => pick("Xem", "Viewed"),
        A::Export => pick("Tải về", "Exported"),
        A::Create => pick("Tạo mới", "Created"),
        A::Update => pick("Sửa", "Changed"),
        A::Erase => pick("Xoá thông tin", "Erased"),
        A::ConsentGiven => pick("Ghi nhận đồng ý", "Consent given"),
        A::ConsentWithdrawn => pick("Rút lại đồng ý", "Consent withdrawn"),
        A::SignIn => pick("Đăng nhập", "Signed in"),
        A::SignInFailed => pick("Đăng nhập sai", "Failed sign-in"),
        A::Disable => pick("Khoá tài khoản", "Disabled account"),
        A::PasswordChange => pick("Đổi mật khẩu", "Changed password"),
    };
    let subject = match subject {
        S::Resident => pick("Người dân", "Resident"),
        S::ResidentList => pick("Danh sách người dân", "Resident list"),
        S::User => pick("Tài khoản", "Account"),
        S::Hamlet => pick("Thôn, bản", "Hamlet"),
        S::Household => pick("Hộ", "Household"),
    };
    // Details are written in a few fixed forms (see hocvuso_app); anything else is shown as it is.
    let detail = match detail.strip_suffix(" rows") {
        Some(n) => format!("{n} {}", pick("người", "people")),
        None => match detail {
            "wrong password" => pick("sai mật khẩu", "wrong password").to_owned(),
            "unknown account" => pick("không có tài khoản này", "unknown account").to_owned(),
            "disabled account" => pick("tài khoản đã khoá", "disabled account").to_owned(),
            "person export (json)" => pick("toàn bộ dữ liệu (JSON)", "all data (JSON)").to_owned(),
            other => other.to_owned(),
        },
    };
    (action, subject, detail)
}

/// The message for a stable error code, in plain words. Unknown codes get a general message.
pub fn error_message(code: &str, lang: Lang) -> &'static str {
    let (vi, en) = match code {
        "not_found" => ("Không tìm thấy trang hoặc dữ liệu này.", "This page or record was not found."),
        "forbidden" => ("Bạn không có quyền làm việc này.", "You are not allowed to do this."),
        "unauthenticated" => ("Vui lòng đăng nhập.", "Please sign in."),
        "session_expired" => {
            ("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.", "Your session has ended. Please sign in again.")
        }
        "bad_credentials" => ("Số điện thoại hoặc mật khẩu không đúng.", "Wrong phone number or password."),
        "account_locked" => (
            "Đăng nhập sai nhiều lần nên tài khoản tạm khoá. Vui lòng thử lại sau ít phút.",
            "Too many failed sign-ins: the account is locked for a few minutes.",
        ),
        "csrf" => (
            "Biểu mẫu đã cũ hoặc không đến từ trang này. Vui lòng tải lại trang rồi thử lại.",
            "The form is stale or did not come from this site. Reload the page and try again.",
        ),
        "form_malformed" => ("Dữ liệu gửi lên không đúng dạng.", "The submitted data is malformed."),
        "body_too_large" => ("Dữ liệu gửi lên quá lớn.", "The submitted data is too large."),
        "method_not_allowed" => ("Không thể làm việc này theo cách đó.", "This action is not allowed that way."),
        "phone_empty" => ("Vui lòng nhập số điện thoại.", "Please enter a phone number."),
        "phone_invalid" => {
            ("Số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678.", "A phone number has digits only, e.g. 0912 345 678.")
        }
        "phone_wrong_length" => {
            ("Số di động có 10 chữ số, số cố định có 11 chữ số.", "Mobile numbers have 10 digits, landlines 11.")
        }
        "phone_unknown_prefix" => ("Đầu số điện thoại không đúng.", "This phone prefix does not exist."),
        "phone_taken" => ("Số điện thoại này đã có tài khoản.", "This phone number already has an account."),
        "cccd_invalid" | "cccd_empty" => ("Số CCCD gồm đúng 12 chữ số.", "An ID card number has exactly 12 digits."),
        "cccd_unknown_province" => {
            ("3 số đầu của CCCD không phải mã tỉnh.", "The first 3 digits are not a province code.")
        }
        "cccd_birth_year_mismatch" => {
            ("Số CCCD không khớp với năm sinh.", "The ID card number does not match the year of birth.")
        }
        "name_invalid" | "name_empty" | "name_too_long" | "name_invalid_characters" | "name_mixed_scripts" => (
            "Tên chỉ gồm chữ cái và dấu cách, không quá 100 ký tự.",
            "A name has letters and spaces only, at most 100 characters.",
        ),
        "birth_year_invalid" | "birth_year_out_of_range" | "birth_year_empty" => (
            "Năm sinh phải là năm có 4 chữ số, từ 1900 đến nay.",
            "The year of birth must be a 4-digit year from 1900 to now.",
        ),
        "gender_invalid" => ("Giới tính không đúng.", "Invalid gender."),
        "password_too_short" => ("Mật khẩu cần ít nhất 8 ký tự.", "The password needs at least 8 characters."),
        "password_too_long" => ("Mật khẩu dài quá 128 ký tự.", "The password is longer than 128 characters."),
        "password_too_common" => (
            "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.",
            "This password is too common. Choose another.",
        ),
        "password_wrong" => ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
        "role_invalid" | "role_place_mismatch" => {
            ("Vai trò không phù hợp với nơi làm việc đã chọn.", "The role does not fit the chosen place.")
        }
        "unit_unknown" => ("Không có đơn vị hành chính này.", "No such administrative unit."),
        "commune_not_served" => ("Xã này chưa dùng Học vụ số.", "This commune does not use Học vụ số yet."),
        "hamlet_unknown" => ("Không có thôn, bản này trong xã.", "No such hamlet in the commune."),
        "hamlet_name_invalid" => {
            ("Tên thôn, bản không được để trống, tối đa 80 ký tự.", "A hamlet name is 1 to 80 characters.")
        }
        "hamlet_name_taken" => ("Xã đã có thôn, bản tên này.", "The commune already has a hamlet of that name."),
        "hamlet_kind_invalid" => ("Vui lòng chọn loại thôn, bản.", "Please choose the kind of hamlet."),
        "address_invalid" => ("Địa chỉ không được để trống, tối đa 200 ký tự.", "An address is 1 to 200 characters."),
        "household_unknown" => ("Không có hộ này.", "No such household."),
        "volunteer_unknown" => ("Không có tình nguyện viên này trong xã.", "No such volunteer in the commune."),
        "consent_purpose_invalid" => ("Vui lòng chọn việc được đồng ý.", "Please choose what the consent is for."),
        "consent_method_invalid" => ("Vui lòng chọn cách ghi nhận.", "Please choose how consent was given."),
        "erase_not_confirmed" => ("Vui lòng đánh dấu ô xác nhận.", "Please tick the confirmation box."),
        "already_erased" => ("Thông tin của người này đã được xoá.", "This person's data was already erased."),
        "date_empty" => ("Vui lòng nhập ngày.", "Please enter a date."),
        "date_invalid_format" => {
            ("Ngày viết theo dạng ngày/tháng/năm, ví dụ 05/02/2026.", "Write dates as dd/mm/yyyy, e.g. 05/02/2026.")
        }
        "date_impossible" => ("Ngày này không có trên lịch.", "This date does not exist."),
        "date_out_of_range" => ("Năm phải từ 1900 đến 2100.", "The year must be between 1900 and 2100."),
        "text_empty" => ("Ô này không được để trống.", "This field cannot be empty."),
        "text_too_long" => ("Nội dung quá dài.", "The text is too long."),
        "unavailable" => {
            ("Hệ thống đang bận. Vui lòng thử lại sau ít phút.", "The system is busy. Try again in a few minutes.")
        }
        _ => ("Đã có lỗi xảy ra. Vui lòng thử lại sau.", "Something went wrong. Please try again later."),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the domain and app layers can return, so none falls back to the general message.
    const CODES: &[&str] = &[
        "not_found",
        "forbidden",
        "unauthenticated",
        "bad_credentials",
        "account_locked",
        "csrf",
        "form_malformed",
        "body_too_large",
        "method_not_allowed",
        "phone_empty",
        "phone_invalid",
        "phone_wrong_length",
        "phone_unknown_prefix",
        "phone_taken",
        "cccd_invalid",
        "cccd_unknown_province",
        "cccd_birth_year_mismatch",
        "name_invalid",
        "name_empty",
        "name_too_long",
        "name_invalid_characters",
        "birth_year_invalid",
        "birth_year_out_of_range",
        "gender_invalid",
        "password_too_short",
        "password_too_long",
        "password_too_common",
        "password_wrong",
        "role_invalid",
        "role_place_mismatch",
        "unit_unknown",
        "commune_not_served",
        "hamlet_unknown",
        "hamlet_name_invalid",
        "hamlet_name_taken",
        "hamlet_kind_invalid",
        "address_invalid",
        "household_unknown",
        "volunteer_unknown",
        "consent_purpose_invalid",
        "consent_method_invalid",
        "erase_not_confirmed",
        "already_erased",
        "date_empty",
        "date_invalid_format",
        "date_impossible",
        "date_out_of_range",
        "text_empty",
        "text_too_long",
        "unavailable",
    ];

    #[test]
    fn every_error_code_has_its_own_message_in_both_locales() {
        let fallback_vi = error_message("no_such_code", Lang::Vi);
        let fallback_en = error_message("no_such_code", Lang::En);
        for code in CODES {
            assert_ne!(error_message(code, Lang::Vi), fallback_vi, "{code}");
            assert_ne!(error_message(code, Lang::En), fallback_en, "{code}");
        }
    }

    #[test]
    fn every_vietnamese_text_is_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for (code, lang) in CODES.iter().flat_map(|c| [(c, Lang::Vi), (c, Lang::En)]) {
            let message = error_message(code, lang);
            assert_eq!(message.nfc().collect::<String>(), message, "{code}");
        }
        let debug = format!("{VI:?}{EN:?}");
        assert_eq!(debug.nfc().collect::<String>(), debug);
    }
}
