// Runtime settings of the dashboard, loaded before the app. A deployment may
// overwrite this file. Leave SWITCHBOARD_API unset to use the page's origin.
// window.SWITCHBOARD_API = 'https://api.example.com';
