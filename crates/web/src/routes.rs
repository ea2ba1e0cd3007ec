//! The route table. Every route is added with the access rule it promises; the table builds the axum
//! router and keeps the list, which the authorization matrix test walks (route × role × own/other
//! unit). A route cannot be added without declaring its rule, so new routes join the matrix by
//! themselves.

use crate::state::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

/// Who may use a route, as the route table declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Only a browser between its password and its second factor (a pending session); anyone else
    /// is sent to the login page.
    SecondStep,
    /// Signed in, even before the first-login password change.
    SignedIn,
    /// Any signed-in account that has set its own password.
    Authenticated,
    MohaAdmin,
    /// MoHA administrators and appraisers.
    MohaStaff,
    /// Only MoHA appraisers.
    MohaAppraiser,
    /// MoHA staff, or any account of the unit in the path.
    UnitReader,
    /// Only officers of the unit in the path.
    UnitOfficer,
    /// Only leaders of the unit in the path.
    UnitLeader,
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

pub struct RouteTable {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Default for RouteTable {
    fn default() -> Self {
        RouteTable {
            router: Router::new(),
            specs: Vec::new(),
        }
    }
}

impl RouteTable {
    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = match method {
            Method::POST => MethodFilter::POST,
            Method::PUT => MethodFilter::PUT,
            _ => MethodFilter::GET,
        };
        self.router = self.router.route(path, on(filter, handler));
        self.specs.push(RouteSpec {
            method,
            path,
            access,
        });
        self
    }

    pub fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, handler)
    }

    pub fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, handler)
    }

    /// A whole-resource replacement (the API's respondent list).
    pub fn put<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, access, handler)
    }

    /// Adds another table's routes (an area's) to this one.
    pub fn merge(mut self, other: RouteTable) -> Self {
        self.router = self.router.merge(other.router);
        self.specs.extend(other.specs);
        self
    }

    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
