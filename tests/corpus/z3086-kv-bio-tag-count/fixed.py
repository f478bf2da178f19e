import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

SEED = 13
GRID = 1000
KEY_FIELDS = ["patient_name", "dob", "policy_id", "claim_amount"]
N_TAGS = 2 * len(KEY_FIELDS) + 1
VOCAB_SIZE = 500
BUCKETS = 64


def tag_id(field, inside):
    if field is None:
        return 0
    return 1 + 2 * KEY_FIELDS.index(field) + (1 if inside else 0)


def make_form_page(rng):
    page_w, page_h = rng.choice([(612, 792), (842, 595), (2550, 3300)])
    words = []
    cursor_y = page_h * 0.08
    for field in rng.sample(KEY_FIELDS + [None, None], k=6):
        cursor_x = page_w * 0.06
        n_key = rng.randint(1, 2)
        n_val = rng.randint(1, 3) if field else rng.randint(2, 5)
        for k in range(n_key + n_val):
            w = page_w * rng.uniform(0.04, 0.12)
            h = page_h * rng.uniform(0.010, 0.018)
            is_value = field is not None and k >= n_key
            words.append({
                "text_id": rng.randrange(1, VOCAB_SIZE),
                "box": [cursor_x, cursor_y, cursor_x + w, cursor_y + h],
                "field": field if is_value else None,
                "inside": is_value and k > n_key,
            })
            cursor_x += w + page_w * 0.01
        cursor_y += page_h * rng.uniform(0.04, 0.09)
    rng.shuffle(words)
    return {"width": page_w, "height": page_h, "words": words}


def normalise(page):
    sx, sy = GRID / page["width"], GRID / page["height"]
    for w in page["words"]:
        x0, y0, x1, y1 = w["box"]
        w["norm"] = [int(np.clip(v, 0, GRID)) for v in (x0 * sx, y0 * sy, x1 * sx, y1 * sy)]
    page["words"].sort(key=lambda w: (w["norm"][1] // 8, w["norm"][0]))
    return page


def page_to_tensors(page):
    ids = torch.tensor([w["text_id"] for w in page["words"]])
    boxes = torch.tensor([w["norm"] for w in page["words"]], dtype=torch.long)
    tags = torch.tensor([tag_id(w["field"], w["inside"]) for w in page["words"]])
    return ids, boxes, tags


def make_batcher(pages, batch_size):
    def batcher():
        order = list(range(len(pages)))
        random.Random(SEED).shuffle(order)
        for i in range(0, len(order), batch_size):
            group = [page_to_tensors(pages[j]) for j in order[i:i + batch_size]]
            ids = nn.utils.rnn.pad_sequence([g[0] for g in group], batch_first=True)
            boxes = nn.utils.rnn.pad_sequence([g[1] for g in group], batch_first=True)
            tags = nn.utils.rnn.pad_sequence([g[2] for g in group], batch_first=True,
                                             padding_value=-100)
            yield ids, boxes, tags
    return batcher


class BoxBucketEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.x = nn.Embedding(BUCKETS, dim)
        self.y = nn.Embedding(BUCKETS, dim)
        self.size = nn.Linear(2, dim)

    def forward(self, boxes):
        b = (boxes * (BUCKETS - 1)) // GRID
        wh = (boxes[..., 2:] - boxes[..., :2]).float() / GRID
        return self.x(b[..., 0]) + self.x(b[..., 2]) + self.y(b[..., 1]) + self.y(b[..., 3]) + self.size(wh)


class FieldTagger(nn.Module):
    def __init__(self, num_tags, dim=48):
        super().__init__()
        self.words = nn.Embedding(VOCAB_SIZE, dim, padding_idx=0)
        self.boxes = BoxBucketEncoder(dim)
        self.rnn = nn.LSTM(dim, dim // 2, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(dim, num_tags)

    def forward(self, ids, boxes):
        h = self.words(ids) + self.boxes(boxes)
        h, _ = self.rnn(self.drop(h))
        return self.out(h)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    pages = [normalise(make_form_page(rng)) for _ in range(40)]
    counts = Counter(tag_id(w["field"], w["inside"]) for p in pages for w in p["words"])
    print("tag histogram:", dict(sorted(counts.items())))

    model = FieldTagger(N_TAGS)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    next_batches = make_batcher(pages, batch_size=8)

    for epoch in range(4):
        running = []
        for ids, boxes, tags in next_batches():
            logits = model(ids, boxes)
            loss = loss_fn(logits.transpose(1, 2), tags)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch}: {np.mean(running):.4f}")


if __name__ == "__main__":
    main()
