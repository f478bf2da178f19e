"""Cuisine tagging for the recipe archive.

Text encoder (tiny BERT) over the recipe title + method, concatenated with a
bag of ingredients, 3-fold stratified CV to get a feel for the numbers.
"""
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import classification_report
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import LabelEncoder, MultiLabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(42)

RECIPES = [
    ("slow braised pork belly with star anise", ["pork", "soy", "star_anise", "sugar", "ginger"], "chinese"),
    ("stir fried greens with garlic", ["bok_choy", "garlic", "soy", "oil"], "chinese"),
    ("steamed fish with ginger and scallion", ["fish", "ginger", "scallion", "soy"], "chinese"),
    ("mapo tofu with chili bean paste", ["tofu", "pork", "doubanjiang", "sichuan_pepper"], "chinese"),
    ("egg fried rice with peas", ["rice", "egg", "peas", "scallion", "soy"], "chinese"),
    ("hot and sour soup", ["tofu", "vinegar", "egg", "mushroom", "white_pepper"], "chinese"),
    ("risotto stirred slowly with parmesan", ["rice", "parmesan", "butter", "onion", "wine"], "italian"),
    ("pasta with tomato and basil", ["pasta", "tomato", "basil", "garlic", "oil"], "italian"),
    ("slow cooked ragu over tagliatelle", ["beef", "tomato", "wine", "onion", "pasta"], "italian"),
    ("focaccia with rosemary and sea salt", ["flour", "yeast", "rosemary", "oil", "salt"], "italian"),
    ("polenta baked with gorgonzola", ["cornmeal", "gorgonzola", "butter"], "italian"),
    ("minestrone with beans and greens", ["beans", "tomato", "pasta", "onion", "basil"], "italian"),
    ("lamb tagine with apricots", ["lamb", "apricot", "cumin", "cinnamon", "onion"], "moroccan"),
    ("chickpea harira soup", ["chickpeas", "lentils", "tomato", "cumin", "coriander"], "moroccan"),
    ("couscous with seven vegetables", ["couscous", "carrot", "zucchini", "chickpeas", "ras_el_hanout"], "moroccan"),
    ("chicken with preserved lemon and olives", ["chicken", "preserved_lemon", "olives", "ginger"], "moroccan"),
    ("zaalouk smoky aubergine salad", ["aubergine", "tomato", "garlic", "cumin", "paprika"], "moroccan"),
    ("msemen flaky griddle bread", ["flour", "semolina", "butter", "salt"], "moroccan"),
    ("black bean tacos with salsa", ["beans", "tortilla", "tomato", "onion", "coriander"], "mexican"),
    ("chicken mole with chocolate", ["chicken", "chili", "chocolate", "cinnamon", "sesame"], "mexican"),
    ("pozole with hominy and pork", ["pork", "hominy", "chili", "oregano", "onion"], "mexican"),
    ("guacamole with lime", ["avocado", "lime", "onion", "coriander", "chili"], "mexican"),
    ("tamales steamed in corn husks", ["masa", "pork", "chili", "lard"], "mexican"),
    ("elote grilled corn with cotija", ["corn", "cotija", "lime", "chili", "mayonnaise"], "mexican"),
]


@dataclass
class RunConfig:
    hidden: int = 32
    max_len: int = 16
    epochs: int = 8
    lr: float = 2e-3
    min_ingredient_count: int = 2


class TextPlusIngredients(nn.Module):
    def __init__(self, bert_cfg, in_features, n_classes):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(in_features, n_classes)

    def forward(self, input_ids, attention_mask, ingredients):
        cls = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return self.classifier(self.dropout(torch.cat([cls, ingredients], dim=-1)))


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(path)


cfg = RunConfig()
titles = [r[0] for r in RECIPES]
mlb = MultiLabelBinarizer()
ing_matrix = mlb.fit_transform([r[1] for r in RECIPES]).astype(np.float32)
n_ing_feats = ing_matrix.shape[1]
cuisine_enc = LabelEncoder()
y = cuisine_enc.fit_transform([r[2] for r in RECIPES])
print(f"{len(RECIPES)} recipes, {n_ing_feats} distinct ingredients, cuisines: {', '.join(cuisine_enc.classes_)}")

tok = make_tokenizer(titles)
batch = tok(titles, padding="max_length", truncation=True, max_length=cfg.max_len, return_tensors="pt")
bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)

skf = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
oof_pred = np.zeros_like(y)
for fold, (tr, va) in enumerate(skf.split(ing_matrix, y)):
    # one-off ingredients in the training fold are noise: keep the common ones
    keep = ing_matrix[tr].sum(axis=0) >= cfg.min_ingredient_count
    ing_tr = torch.from_numpy(ing_matrix[tr][:, keep])
    ing_va = torch.from_numpy(ing_matrix[va][:, keep])
    print(f"fold {fold}: {keep.sum()} ingredient columns kept")

    cw = compute_class_weight("balanced", classes=np.unique(y[tr]), y=y[tr])
    criterion = nn.CrossEntropyLoss(weight=torch.tensor(cw, dtype=torch.float32))
    model = TextPlusIngredients(bert_cfg, cfg.hidden + n_ing_feats, len(cuisine_enc.classes_))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    target = torch.from_numpy(y[tr]).long()

    for epoch in range(cfg.epochs):
        model.train()
        logits = model(batch["input_ids"][tr], batch["attention_mask"][tr], ing_tr)
        loss = criterion(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"fold {fold}: final train loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        oof_pred[va] = model(batch["input_ids"][va], batch["attention_mask"][va], ing_va).argmax(-1).numpy()

print(classification_report(y, oof_pred, target_names=list(cuisine_enc.classes_), zero_division=0))
