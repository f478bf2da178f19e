"""Bug vs. fix classifier for single-line code hunks.

Each hunk is the changed line of a commit, either the buggy version (label 0) or the
fixed version (label 1). Lines are tokenized with a hand-written lexer, padded to a
fixed window, encoded by a transformer, and the whole window is flattened into a
linear classifier.
"""
import random
import re

import torch
import torch.nn as nn

random.seed(7)
torch.manual_seed(7)

TEMPLATES = [
    ("if {v} == None :", "if {v} is None :"),
    ("for {i} in range ( len ( {v} ) + 1 ) :", "for {i} in range ( len ( {v} ) ) :"),
    ("except :", "except ValueError :"),
    ("{v} = open ( {p} ) . read ( )", "with open ( {p} ) as fh : {v} = fh . read ( )"),
    ("return {v} [ len ( {v} ) ]", "return {v} [ len ( {v} ) - 1 ]"),
    ("def add ( {v} , acc = [ ] ) :", "def add ( {v} , acc = None ) :"),
    ("while {i} <= len ( {v} ) :", "while {i} < len ( {v} ) :"),
    ("if type ( {v} ) == list :", "if isinstance ( {v} , list ) :"),
]
VAR_NAMES = ["items", "rows", "data", "buf", "nodes", "paths", "users", "tokens"]
IDX_NAMES = ["i", "j", "k", "idx", "n"]
PATH_NAMES = ["cfg_path", "fname", "log_file", "src"]

LEX_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|\d+|==|<=|>=|!=|\S")
WINDOW = 24
BUGGY, FIXED = 0, 1


def make_hunks(n):
    hunks = []
    for _ in range(n):
        bad, good = random.choice(TEMPLATES)
        fill = dict(v=random.choice(VAR_NAMES), i=random.choice(IDX_NAMES), p=random.choice(PATH_NAMES))
        hunks.append((bad.format(**fill), BUGGY))
        hunks.append((good.format(**fill), FIXED))
    random.shuffle(hunks)
    return hunks


class HunkLexer:
    def __init__(self, lines):
        self.tok2id = {"<pad>": 0, "<unk>": 1, "<id>": 2}
        for line in lines:
            for tok in self.lex(line):
                self.tok2id.setdefault(tok, len(self.tok2id))

    def lex(self, line):
        out = []
        for tok in LEX_RE.findall(line):
            out.append("<id>" if tok in VAR_NAMES + IDX_NAMES + PATH_NAMES else tok)
        return out

    def __call__(self, lines):
        grid = torch.zeros(len(lines), WINDOW, dtype=torch.long)
        for r, line in enumerate(lines):
            ids = [self.tok2id.get(t, 1) for t in self.lex(line)][:WINDOW]
            grid[r, : len(ids)] = torch.tensor(ids)
        return grid


class HunkClassifier(nn.Module):
    def __init__(self, n_tokens, d_model=32, n_heads=4):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, d_model, padding_idx=0)
        self.position = nn.Parameter(torch.randn(WINDOW, 1, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.classify = nn.Linear(WINDOW * d_model, 2)

    def forward(self, grid):
        batch = grid.size(0)
        x = self.embed(grid).transpose(0, 1) + self.position
        x = self.encoder(x, src_key_padding_mask=grid.eq(0))
        x = x.transpose(0, 1)
        flat = x.view(batch, -1)
        return self.classify(flat)


def evaluate(model, lexer, hunks):
    model.eval()
    with torch.no_grad():
        logits = model(lexer([h for h, _ in hunks]))
    gold = torch.tensor([y for _, y in hunks])
    return (logits.argmax(-1) == gold).float().mean().item()


def main():
    train_hunks = make_hunks(120)
    test_hunks = make_hunks(20)
    lexer = HunkLexer([h for h, _ in train_hunks])
    print(f"train={len(train_hunks)} test={len(test_hunks)} vocab={len(lexer.tok2id)}")

    model = HunkClassifier(len(lexer.tok2id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(5):
        model.train()
        epoch_loss = 0.0
        for start in range(0, len(train_hunks), 16):
            chunk = train_hunks[start : start + 16]
            grid = lexer([h for h, _ in chunk])
            target = torch.tensor([y for _, y in chunk])
            logits = model(grid)
            loss = criterion(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * len(chunk)
        print(f"epoch {epoch}: loss={epoch_loss / len(train_hunks):.4f}")

    print(f"test accuracy: {evaluate(model, lexer, test_hunks):.3f}")


if __name__ == "__main__":
    main()
