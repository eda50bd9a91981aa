//! A least-privilege admin in the Samba AD lab: an OU of its own and a user with
//! rights delegated on it the way an AD team does with ADUC's Delegation of Control
//! Wizard, made with `samba-tool` (ou create, user create, dsacl set) as the lab's
//! Administrator, and removed again (with everything below the OU) when dropped.
//!
//! Two delegations:
//!
//! - [`Delegation::ManageUsers`], the wizard's "Create, delete, and manage user
//!   accounts" (which includes "Reset user passwords"): Create/Delete User objects
//!   on the OU, Full Control on the user objects below it;
//! - [`Delegation::CreateOnly`]: Create User objects, and Read/Write all properties
//!   and Reset Password on the users below, but no Delete: an undo of such an admin
//!   cannot delete what it added.
//!
//! Neither gives SeEnableDelegationPrivilege: on a DC only Administrators hold it.

use std::path::PathBuf;
use std::process::Command;

use super::samba_lab::{BIND_PASSWORD_ENV, Lab};

/// schemaIDGUID of the `user` class.
const USER_CLASS: &str = "bf967aba-0de6-11d0-a285-00aa003049e2";
/// rightsGuid of the User-Force-Change-Password extended right ("Reset Password").
const RESET_PASSWORD: &str = "00299570-246d-11d0-a768-00aa006e0529";

/// Environment variable the delegated admin's password is passed to spnkt in.
pub const DELEGATED_PASSWORD_ENV: &str = "SPNKT_DELEGATED_BIND_PASSWORD";

/// What the admin may do in its OU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delegation {
    /// "Create, delete, and manage user accounts".
    ManageUsers,
    /// Create users and manage them, never delete.
    CreateOnly,
}

impl Delegation {
    /// The ACEs granted to the admin's `sid` on the OU (SDDL).
    fn sddl(self, sid: &str) -> String {
        match self {
            // CI: the right to create/delete users is inherited by sub-OUs too, as
            // the Delegation of Control Wizard applies it; CIIO: full control on
            // every user object below, not on the OU itself.
            Delegation::ManageUsers => {
                format!("(OA;CI;CCDC;{USER_CLASS};;{sid})(OA;CIIO;GA;;{USER_CLASS};{sid})")
            }
            // Read/write properties and Reset Password on the users below. The
            // extended right has an ACE of its own: Samba 4.17 takes an object ACE
            // with Control Access and no object type for every right, Delete too.
            Delegation::CreateOnly => format!(
                "(OA;CI;CC;{USER_CLASS};;{sid})(OA;CIIO;RPWPLCLORC;;{USER_CLASS};{sid})(OA;CIIO;CR;{RESET_PASSWORD};{USER_CLASS};{sid})"
            ),
        }
    }
}

/// A delegated admin and its OU in the lab; both are removed when dropped.
pub struct DelegatedAdmin {
    lab: Lab,
    /// `OU=NAME,<base DN>`.
    pub ou: String,
    /// The admin's sAMAccountName.
    pub sam: String,
    /// `sam@REALM`, what spnkt binds as.
    pub user: String,
    /// Its password (a lab secret, passed to spnkt in [`DELEGATED_PASSWORD_ENV`]).
    pub password: String,
}

impl DelegatedAdmin {
    /// Make the OU `OU=spnkt-lp-NAME` and the user `lp-NAME` with `delegation` on it
    /// (leftovers of an earlier run of the same name are removed first).
    pub fn create(lab: &Lab, name: &str, delegation: Delegation) -> DelegatedAdmin {
        let sam = format!("lp-{name}");
        assert!(sam.len() <= 20, "{sam}: too long for a sAMAccountName");
        let admin = DelegatedAdmin {
            lab: lab.clone(),
            ou: format!("OU=spnkt-lp-{name},{}", lab.base_dn),
            user: format!("{sam}@{}", lab.realm),
            sam,
            password: format!("Lp-{name}-Passw0rd!"),
        };
        admin.remove();
        admin.samba_tool(&["ou", "create", &admin.ou]);
        admin.samba_tool(&[
            "user",
            "create",
            &admin.sam,
            &admin.password,
            &format!("--userou=OU=spnkt-lp-{name}"),
        ]);
        let sid = admin.sid();
        admin.samba_tool(&[
            "dsacl",
            "set",
            &format!("--objectdn={}", admin.ou),
            &format!("--sddl={}", delegation.sddl(&sid)),
        ]);
        admin
    }

    /// `samba-tool ARGS` against the running lab DC as its Administrator; panics
    /// with its output when it fails.
    fn samba_tool(&self, args: &[&str]) -> String {
        let out = self
            .tool_command(args)
            .output()
            .expect("run samba-tool (Debian: samba-common-bin)");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "samba-tool {args:?} failed:\n{text}");
        text
    }

    fn tool_command(&self, args: &[&str]) -> Command {
        let conf: PathBuf = self.lab.dir.join("etc/smb.conf");
        let mut c = Command::new("samba-tool");
        c.args(args)
            .args(["-H", "ldap://127.0.0.1", "-s"])
            .arg(&conf)
            .arg(format!(
                "-U{}%{}",
                self.lab
                    .admin_user
                    .split('@')
                    .next()
                    .unwrap_or("Administrator"),
                self.lab.admin_password
            ))
            .env("KRB5_CONFIG", &self.lab.krb5_conf)
            .env_remove("KRB5CCNAME");
        c
    }

    /// The admin's objectSid (what the ACEs name).
    fn sid(&self) -> String {
        let shown = self.samba_tool(&["user", "show", &self.sam, "--attributes=objectSid"]);
        shown
            .lines()
            .find_map(|l| l.strip_prefix("objectSid: "))
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| panic!("no objectSid for {}: {shown}", self.sam))
    }

    /// The admin's own bind flags: the lab's directory flags with its user and
    /// password variable instead of the Administrator's.
    pub fn dir_args(&self) -> Vec<String> {
        let mut args = self.lab.spnkt_dir_args();
        let i = args.iter().position(|a| a == "--bind-user").unwrap();
        args[i + 1] = self.user.clone();
        let i = args
            .iter()
            .position(|a| a == "--bind-password-env")
            .unwrap();
        args[i + 1] = DELEGATED_PASSWORD_ENV.to_owned();
        args
    }

    /// `spnkt ARGS... <the admin's directory flags>`; the Administrator's password
    /// is not in its environment.
    pub fn spnkt(&self, args: &[&str]) -> super::samba_lab::Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(self.dir_args());
        self.lab.spnkt_exact(
            &all,
            &[
                (DELEGATED_PASSWORD_ENV, self.password.as_str()),
                (BIND_PASSWORD_ENV, ""),
            ],
        )
    }

    /// DNs of every object below the OU (not the OU itself).
    pub fn objects_below(&self) -> Vec<String> {
        self.lab
            .ldap_dns(&format!(
                "(&(objectClass=user)(!(sAMAccountName={})))",
                self.sam
            ))
            .into_iter()
            .filter(|dn| {
                dn.to_lowercase()
                    .ends_with(&format!(",{}", self.ou.to_lowercase()))
            })
            .collect()
    }

    /// Remove the OU with everything below it (the admin too); missing is fine.
    fn remove(&self) {
        let _ = self
            .tool_command(&["ou", "delete", &self.ou, "--force-subtree-delete"])
            .output();
    }
}

impl Drop for DelegatedAdmin {
    fn drop(&mut self) {
        self.remove();
    }
}
