# The page frame: titles, navigation, footer, sign-in, error page, role names.
language-name = English
site-name = qidi · Pending Approval Supervision
site-title-suffix = qidi Pending Approval Supervision
footer = qidi · every step of approval on the record, open to public supervision
language-switch = Language
trial-clock = Trial clock on: the system's time runs from { $at } (QIDI_NOW), for training, drills and tests only; no date shown is real.

nav-menu = Menu
nav-accounts = Accounts
nav-calendar = Working-day calendar
nav-channels = Message channels
nav-send-log = Send log
nav-security-accounts = Account security
nav-audit = Audit record
nav-home = Overview
nav-projects = Project library
nav-ledger = Ledger and baseline
nav-my-projects = My projects
nav-inbox = Applications to handle
nav-catalogue = Item types
nav-campaigns = Campaigns and organisation
nav-bulletins = Monthly bulletins
nav-hotline = 12345 work orders
nav-supervision = Supervision orders and progress reports
nav-assessment = Department assessment
nav-lookback = Look-back reviews
nav-messages = Messages
nav-unread = Unread messages
nav-account-security = Account security
nav-paren-open = {" "}(
nav-paren-close = )
nav-logout = Sign out

public-nav = Public record
public-nav-lookup = Public record · Find a project
public-nav-staff-login = Staff sign-in

login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in

error-home = Back to the home page
error-title = Something went wrong
error-not-found-title = Not found
error-not-found = The page you are looking for does not exist, or you may not see it.
error-render = The page could not be generated

role-applicant = Project owner
role-handler = Handler
role-department_head = Department head
role-office = Leading group office
role-leader = Leader in charge
role-inspector = Discipline inspection group
role-admin = System administrator
role-security_admin = Security administrator
role-audit_admin = Audit administrator
