"""Build a small search index over meeting transcripts: each transcript is cut into windows, encoded
with a tiny BERT, and the mean-pooled vectors of its windows are averaged."""
import math
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

WINDOW = 30
TRANSCRIPTS = {
    "standup-0412": "alice finished the login page bob is blocked on the payment api carol will review the "
                    "release notes and we agreed to move the demo to friday because the staging server is down "
                    "bob will ask ops about the staging server and alice will pair with carol on the api tests "
                    "after lunch and dave reminded everyone that the security review for the mobile app is due next "
                    "tuesday",
    "retro-q2": "the team felt the sprint was too long and the estimates were off we will try one week sprints "
                "carol wants fewer meetings and bob asked for a written agenda before each planning session",
    "planning-0419": "payment api first then the search page alice takes search bob takes payments",
}
QUERY = "who is working on the payment api"

workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
words = sorted({w for text in list(TRANSCRIPTS.values()) + [QUERY] for w in text.split()})
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(vocab_path)

config = BertConfig(vocab_size=len(tokenizer), hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=96, max_position_embeddings=WINDOW + 2)
torch.manual_seed(0)
encoder = BertModel(config).eval()


def windows(text):
    token_ids = torch.tensor(tokenizer(text, add_special_tokens=False)["input_ids"])
    n_parts = max(1, math.ceil(len(token_ids) / WINDOW))
    cls, sep = torch.tensor([tokenizer.cls_token_id]), torch.tensor([tokenizer.sep_token_id])
    return [torch.cat([cls, part, sep]) for part in torch.tensor_split(token_ids, n_parts)]


@torch.no_grad()
def embed(text):
    vectors = []
    for chunk in windows(text):
        ids = chunk.unsqueeze(0)
        hidden = encoder(input_ids=ids, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        vectors.append(hidden[0, 1:-1].mean(0))
    return F.normalize(torch.stack(vectors).mean(0), dim=-1)


index = {name: embed(text) for name, text in TRANSCRIPTS.items()}
query_vec = embed(QUERY)
ranked = sorted(index, key=lambda name: -float(index[name] @ query_vec))
for rank, name in enumerate(ranked, 1):
    print(f"{rank}. {name}  score={float(index[name] @ query_vec):.3f}")
