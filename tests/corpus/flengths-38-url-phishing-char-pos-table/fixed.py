import string
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(4)

MAX_LEN = 40
URLS = [
    ("https://github.com/login", 0),
    ("https://news.ycombinator.com", 0),
    ("http://paypa1-secure.co/verify", 1),
    ("https://docs.python.org/3/library", 0),
    ("http://free-gift-cards.win/claim", 1),
    ("https://accounts.google.com/signin/v2/identifier?flow=web", 0),
    ("http://secure-update.bankofamerica.com.verify-session.ru/login.php", 1),
    ("https://en.wikipedia.org/wiki/uniform_resource_locator", 0),
]

PAD = "\0"
stoi = {c: i for i, c in enumerate(PAD + string.ascii_lowercase + string.digits + ":/.-_?=&")}


def encode_url(text):
    return [stoi[c] for c in text][:MAX_LEN]


def make_batch(pairs):
    encoded = [encode_url(url) for url, _ in pairs]
    width = max(len(ids) for ids in encoded)
    ids = torch.tensor([e + [stoi[PAD]] * (width - len(e)) for e in encoded])
    labels = torch.tensor([label for _, label in pairs])
    return ids, labels


class UrlPhishingClassifier(nn.Module):
    def __init__(self, n_chars, d_model, max_len):
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(d_model, 2)

    def forward(self, ids):
        T = ids.size(1)
        positions = torch.arange(T, device=ids.device)
        h = self.char_emb(ids) + self.pos_emb(positions)[None]
        h = self.encoder(h, src_key_padding_mask=ids.eq(0))
        return self.head(h[:, 0])


def main():
    model = UrlPhishingClassifier(len(stoi), d_model=32, max_len=MAX_LEN)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(5):
        for start in range(0, len(URLS), 4):
            ids, labels = make_batch(URLS[start:start + 4])
            loss = F.cross_entropy(model(ids), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
