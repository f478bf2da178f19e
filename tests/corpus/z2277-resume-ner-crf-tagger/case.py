import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(7)
torch.manual_seed(7)

CFG = {
    "max_len": 64,
    "emb_dim": 48,
    "lstm_hidden": 32,
    "batch_size": 16,
    "epochs": 3,
    "lr": 5e-3,
}

TAGS = ["O", "B-NAME", "I-NAME", "B-ORG", "I-ORG", "B-TITLE", "I-TITLE", "B-SKILL", "B-DATE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

FIRST = ["maria", "john", "aisha", "wei", "lukas", "priya"]
LAST = ["gonzalez", "smith", "khan", "zhang", "becker", "iyer"]
ORGS = [["acme", "corp"], ["globex"], ["initech", "labs"], ["umbrella", "health"]]
TITLES = [["software", "engineer"], ["data", "analyst"], ["product", "manager"], ["hr", "generalist"]]
SKILLS = ["python", "sql", "excel", "jira", "tableau", "java", "workday", "sap"]
DATES = ["2019", "2020", "2021", "2022", "2023"]
FILLER = ["worked", "at", "as", "using", "since", "responsible", "for", "team", "and", "with"]


def synth_resume_line(rng):
    words, tags = [], []

    def add(chunk, label):
        for j, w in enumerate(chunk):
            words.append(w)
            tags.append(label if label == "O" else ("B-" if j == 0 else "I-") + label)

    add([rng.choice(FIRST), rng.choice(LAST)], "NAME")
    add(["worked", "as"], "O")
    add(rng.choice(TITLES), "TITLE")
    add(["at"], "O")
    add(rng.choice(ORGS), "ORG")
    add(["since"], "O")
    words.append(rng.choice(DATES)); tags.append("B-DATE")
    add(["using"], "O")
    for s in rng.sample(SKILLS, rng.randint(1, 4)):
        words.append(s); tags.append("B-SKILL")
    add(rng.sample(FILLER, rng.randint(0, 6)), "O")
    return words, tags


class ResumeNERDataset(Dataset):
    def __init__(self, n, word2id, seed):
        rng = random.Random(seed)
        self.samples = [synth_resume_line(rng) for _ in range(n)]
        self.word2id = word2id

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        words, tags = self.samples[idx]
        words, tags = words[: CFG["max_len"]], tags[: CFG["max_len"]]
        ids = [self.word2id.get(w, 1) for w in words]
        return torch.tensor(ids), torch.tensor([TAG2ID[t] for t in tags]), words


def collate_resumes(batch):
    ids, tags, words = zip(*batch)
    lengths = torch.tensor([len(x) for x in ids])
    ids = pad_sequence(ids, batch_first=True, padding_value=0)
    tags = pad_sequence(tags, batch_first=True, padding_value=TAG2ID["O"])
    mask = torch.arange(ids.size(1))[None, :] < lengths[:, None]
    return ids, tags, mask, list(words)


class BiLSTMCRF(nn.Module):
    def __init__(self, vocab_size, num_tags, cfg):
        super().__init__()
        self.max_len = cfg["max_len"]
        self.emb = nn.Embedding(vocab_size, cfg["emb_dim"], padding_idx=0)
        self.lstm = nn.LSTM(cfg["emb_dim"], cfg["lstm_hidden"], batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * cfg["lstm_hidden"], num_tags)
        self.transitions = nn.Parameter(0.01 * torch.randn(num_tags, num_tags))
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))

    def emissions(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.proj(h)

    def nll(self, ids, tags, mask):
        em = self.emissions(ids)
        B, T, K = em.shape
        score = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        alpha = self.start + em[:, 0]
        for t in range(1, T):
            m = mask[:, t]
            step = self.transitions[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t:t + 1]).squeeze(1)
            score = score + step * m
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + em[:, t].unsqueeze(1), dim=1)
            alpha = torch.where(m.unsqueeze(1), nxt, alpha)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        score = score + self.end[last]
        log_z = torch.logsumexp(alpha + self.end, dim=1)
        return (log_z - score).mean()

    @torch.no_grad()
    def decode(self, ids, mask):
        em = self.emissions(ids)
        B, _, K = em.shape
        backptr = torch.zeros(B, self.max_len, K, dtype=torch.long)
        viterbi = self.start + em[:, 0]
        for t in range(1, self.max_len):
            cand = viterbi.unsqueeze(2) + self.transitions
            best, backptr[:, t] = cand.max(dim=1)
            nxt = best + em[:, t]
            viterbi = torch.where(mask[:, t].unsqueeze(1), nxt, viterbi)
        viterbi = viterbi + self.end
        paths = []
        for b in range(B):
            n = int(mask[b].sum())
            tag = int(viterbi[b].argmax())
            path = [tag]
            for t in range(n - 1, 0, -1):
                tag = int(backptr[b, t, tag])
                path.append(tag)
            paths.append(path[::-1])
        return paths


def extract_entities(words, tag_ids):
    ents, cur = [], None
    for w, tid in zip(words, tag_ids):
        tag = TAGS[tid]
        if tag.startswith("B-"):
            cur = [tag[2:], [w]]
            ents.append(cur)
        elif tag.startswith("I-") and cur and cur[0] == tag[2:]:
            cur[1].append(w)
        else:
            cur = None
    return [(lab, " ".join(ws)) for lab, ws in ents]


def main():
    vocab = sorted({w for f in (FIRST, LAST, SKILLS, DATES, FILLER) for w in f}
                   | {w for grp in ORGS + TITLES for w in grp})
    word2id = {w: i + 2 for i, w in enumerate(vocab)}
    train_dl = DataLoader(ResumeNERDataset(256, word2id, seed=1), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=collate_resumes)
    dev_dl = DataLoader(ResumeNERDataset(32, word2id, seed=2), batch_size=CFG["batch_size"],
                        collate_fn=collate_resumes)

    model = BiLSTMCRF(len(word2id) + 2, len(TAGS), CFG)
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for ids, tags, mask, _ in train_dl:
            loss = model.nll(ids, tags, mask)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: nll={running / len(train_dl):.3f}")

    model.eval()
    correct = total = 0
    for ids, tags, mask, words in dev_dl:
        paths = model.decode(ids, mask)
        for b, path in enumerate(paths):
            gold = tags[b, : len(path)].tolist()
            correct += sum(p == g for p, g in zip(path, gold))
            total += len(path)
    print(f"dev token acc: {correct / total:.3f}")
    print(extract_entities(words[0], paths[0]))


if __name__ == "__main__":
    main()
