package coverage

// builtin returns a fresh copy of the default catalogue. It is a function,
// not a package variable, so no caller can change another caller's catalogue.
//
// Each entry's ignore lines are its patterns, so patterns are grouped the way
// a person would want them added to .gitignore together.
func builtin() []Entry {
	return []Entry{
		{
			ID: "env", Description: "environment file", Kind: ByName,
			patterns: []string{".env", ".env.*"},
			except: []string{".env.example", ".env.sample", ".env.template",
				".env.dist", ".env.defaults", ".env.schema"},
			sensitive: []string{".env", "app/.env", ".env.local", "a/b/c/.env.production", ".ENV", "svc/.env.test.local"},
			safe:      []string{".env.example", "app/.env.sample", ".env.template", "x/.env.dist", ".env.defaults", ".env.schema", "env", "my.env", ".envrc", ".env/bin/python"},
		},
		{
			ID: "streamlit-secrets", Description: "Streamlit secrets", Kind: ByName,
			patterns:  []string{"**/.streamlit/secrets.toml"},
			sensitive: []string{".streamlit/secrets.toml", "apps/web/.streamlit/secrets.toml"},
			safe:      []string{"secrets.toml", ".streamlit/config.toml", "streamlit/secrets.toml", ".streamlit/x/secrets.toml"},
		},
		{
			ID: "ssh-private-key", Description: "SSH private key", Kind: ByName,
			patterns:  []string{"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"},
			sensitive: []string{"id_rsa", ".ssh/id_ed25519", "deploy/keys/id_ecdsa", "id_dsa", "id_ed25519_sk"},
			safe:      []string{"id_rsa.pub", ".ssh/id_ed25519.pub", "id_rsa_test.go", "known_hosts", "authorized_keys"},
		},
		{
			ID: "pem", Description: "PEM key or certificate", Kind: ByName,
			patterns:  []string{"*.pem"},
			sensitive: []string{"server.pem", "certs/private/key.pem", "KEY.PEM", "-leading dash.pem"},
			safe:      []string{"pem", "server.pem.txt", "pem.go"},
		},
		{
			ID: "key-file", Description: "private key file", Kind: ByName,
			patterns:  []string{"*.key"},
			sensitive: []string{"server.key", "tls/private.key", "a b/ü.key"},
			safe:      []string{"key", "keys.go", "server.key.pub", "monkey"},
		},
		{
			ID: "pkcs12", Description: "PKCS#12 key store", Kind: ByName,
			patterns:  []string{"*.p12", "*.pfx"},
			sensitive: []string{"cert.p12", "win/cert.pfx"},
			safe:      []string{"p12.md", "cert.p12.md"},
		},
		{
			ID: "putty-key", Description: "PuTTY private key", Kind: ByName,
			patterns:  []string{"*.ppk"},
			sensitive: []string{"server.ppk", "keys/me.ppk"},
			safe:      []string{"ppk.txt"},
		},
		{
			ID: "cloud-credentials", Description: "cloud credentials file", Kind: ByName,
			patterns:  []string{"credentials.json"},
			sensitive: []string{"credentials.json", "gcp/credentials.json", "Credentials.JSON"},
			safe:      []string{"credentials.json.example", "credentials.md", "my-credentials.json"},
		},
		{
			ID: "service-account", Description: "service account key", Kind: ByName,
			patterns:  []string{"*service-account*.json", "*service_account*.json", "serviceAccountKey.json"},
			sensitive: []string{"service-account.json", "keys/my-service-account-prod.json", "service_account.json", "gcp_service_account_key.json", "firebase/serviceAccountKey.json"},
			safe:      []string{"service-account.md", "serviceAccount.json", "service-account.json.example"},
		},
		{
			ID: "aws-credentials", Description: "AWS credentials file", Kind: ByName,
			patterns:  []string{"**/.aws/credentials"},
			sensitive: []string{".aws/credentials", "home/me/.aws/credentials"},
			safe:      []string{"credentials", ".aws/config", "aws/credentials", ".aws/credentials.example"},
		},
		{
			ID: "netrc", Description: "netrc credentials", Kind: ByName,
			patterns:  []string{".netrc", "_netrc"},
			sensitive: []string{".netrc", "home/_netrc"},
			safe:      []string{"netrc", ".netrc.example"},
		},
		{
			ID: "pypirc", Description: "PyPI credentials", Kind: ByName,
			patterns:  []string{".pypirc"},
			sensitive: []string{".pypirc", "ci/.pypirc"},
			safe:      []string{"pypirc", ".pypirc.example"},
		},
		{
			ID: "terraform-vars", Description: "Terraform variables", Kind: ByName,
			patterns:  []string{"*.tfvars", "*.tfvars.json"},
			sensitive: []string{"terraform.tfvars", "envs/prod/prod.tfvars", "x.tfvars.json"},
			safe:      []string{"terraform.tfvars.example", "main.tf", "variables.tf"},
		},
		{
			ID: "terraform-state", Description: "Terraform state", Kind: ByName,
			patterns:  []string{"*.tfstate", "*.tfstate.backup"},
			sensitive: []string{"terraform.tfstate", "infra/terraform.tfstate.backup"},
			safe:      []string{"tfstate.md", "terraform.tfstate.lock.info"},
		},
		{
			ID: "htpasswd", Description: "Apache password file", Kind: ByName,
			patterns:  []string{".htpasswd"},
			sensitive: []string{".htpasswd", "public/.htpasswd"},
			safe:      []string{".htaccess", "htpasswd"},
		},
		{
			ID: "git-credentials", Description: "git credential store", Kind: ByName,
			patterns:  []string{".git-credentials"},
			sensitive: []string{".git-credentials", "home/.git-credentials"},
			safe:      []string{".gitconfig", "git-credentials"},
		},
		{
			// Jupyter's autosaved copies of notebooks, outputs and all: a
			// key printed in a cell stays there after the notebook is cleaned.
			// Jupyter names each copy <name>-checkpoint.<ext>; the pattern
			// says so, which keeps a base-name hint for Classify's prefilter.
			ID: "notebook-checkpoints", Description: "Jupyter notebook checkpoint", Kind: ByName,
			patterns:  []string{"**/.ipynb_checkpoints/*-checkpoint*"},
			sensitive: []string{".ipynb_checkpoints/analysis-checkpoint.ipynb", "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb", "a/.ipynb_checkpoints/train-checkpoint.py"},
			safe:      []string{"analysis.ipynb", "notebooks/eda.ipynb", "ipynb_checkpoints/x-checkpoint.ipynb", ".ipynb_checkpoints.md", "notebooks/eda-checkpoint.ipynb"},
		},
		{
			ID: "npmrc", Description: "npm config", Kind: ByContent,
			patterns:  []string{".npmrc"},
			sensitive: []string{".npmrc", "packages/web/.npmrc"},
			safe:      []string{"npmrc", ".npmrc.example", ".yarnrc"},
		},
		{
			ID: "config-file", Description: "config file", Kind: ByContent,
			patterns: []string{
				"config.py", "settings.py", "secrets.py", "local_settings.py",
				"config.json", "config.yaml", "config.yml", "config.toml", "config.ini", "config.js", "config.ts",
				"settings.json", "settings.yaml", "settings.yml", "settings.toml",
				"appsettings.json", "appsettings.*.json",
				"application.properties", "application.yml", "application.yaml",
				"secrets.json", "secrets.yaml", "secrets.yml", "secrets.toml",
				"wp-config.php",
			},
			sensitive: []string{"config.py", "app/settings.py", "src/main/resources/application.yml", "appsettings.Development.json", "wp-config.php", "secrets.toml", "a/b/config.ts", "local_settings.py"},
			safe:      []string{"config.go", "config", "settings.py.example", "wp-config-sample.php", "tsconfig.json", "appsettings.json.bak", "myconfig.py"},
		},
	}
}
