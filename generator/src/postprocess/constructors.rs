//! progenitor gives `Client` two public constructors: `new(baseurl, state)`,
//! which builds a reqwest client with `.unwrap()` and sends no credentials,
//! and `new_with_client`. The SDK's only public way in is
//! `Client::builder(instance, key)`: `new` is removed and `new_with_client`
//! becomes `pub(crate)` for the builder's use.

pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    let mut changed = 0;
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let is_client = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || imp.trait_.is_some() {
            continue;
        }
        let before = imp.items.len();
        imp.items
            .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        changed += before - imp.items.len();
        for i in &mut imp.items {
            if let syn::ImplItem::Fn(f) = i
                && f.sig.ident == "new_with_client"
            {
                if !matches!(f.vis, syn::Visibility::Public(_)) {
                    return Err("`Client::new_with_client` is no longer public".into());
                }
                f.vis = syn::parse_quote!(pub(crate));
                changed += 1;
            }
        }
    }
    Ok(changed)
}
